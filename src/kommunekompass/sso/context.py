from django.conf import settings


def sign_in(request):
    """Whether local passwords are on (the login page, password links)."""
    return {"local_login": settings.LOCAL_LOGIN}
