"""Sign-in throttling: django-axes watches every login made over HTTP."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.core.exceptions import PermissionDenied


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses every login, right password or not, while the user name or the address is
    locked out (settings: AXES_*), and every password while KOMMUNEKOMPASS_LOCAL_LOGIN=0.
    The login page and the admin's pass the request; a login without one (the shell, the
    test client's `login()`) has no address and is not throttled."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.LOCAL_LOGIN:
            # Local passwords are switched off (single sign-on only): no backend after this
            # one is asked, so no password opens an account, the admin's login included.
            raise PermissionDenied("Local passwords are switched off.")
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_address(request) -> str | None:
    """The client's address. Never read from X-Forwarded-For here: `kommunekompass serve` puts
    a trusted proxy's forwarded address into REMOTE_ADDR and drops the header otherwise."""
    return request.META.get("REMOTE_ADDR")
