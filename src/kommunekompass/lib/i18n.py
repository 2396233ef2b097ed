"""The interface language of a request: the user's own choice (the language cookie), else the
site's default. Never the browser's Accept-Language (see core.middleware.LanguageMiddleware)."""

from django.conf import settings


def request_language(request) -> str:
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if language not in {code for code, _name in settings.LANGUAGES}:
        return settings.LANGUAGE_CODE
    return language
