"""The interface language: Norwegian bokmål unless the user has chosen another language.

Django's LocaleMiddleware would follow the browser's Accept-Language header, so a Norwegian
councillor with an English browser would get English pages. Here only the user's own choice
(the language switch, which sets Django's language cookie) changes the language.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from kommunekompass.lib.i18n import chosen_language, request_language


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        # A page with a language of its own (a published report) uses it unless this is set.
        request.language_chosen = chosen_language(request) is not None
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        # A view may have activated another language (a report in its own language).
        response.headers.setdefault("Content-Language", translation.get_language() or language)
        return response


class PrivacyHeadersMiddleware:
    """Keeps private pages out of every cache and turns off browser features the app never uses.

    `Cache-Control: no-store` on every response that is not public: anything a logged-in user
    gets, every answer to a non-GET request, and every response that gives a cookie a new
    value. What an anonymous visitor reads with GET (a published report) may be cached; every
    page varies on Cookie, and merely sending the visitor's own CSRF cookie back again (Django
    does on every page with a form) gives nothing away.
    `Permissions-Policy` denies camera, microphone, geolocation and the like.
    Static files never reach this middleware: WhiteNoise answers them before.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self.is_private(request, response):
            patch_cache_control(response, no_store=True, private=True)
            response.headers.pop("Expires", None)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    @staticmethod
    def is_private(request, response) -> bool:
        if request.method not in ("GET", "HEAD"):
            return True
        if any(
            request.COOKIES.get(name) != morsel.value for name, morsel in response.cookies.items()
        ):
            return True
        user = getattr(request, "user", None)
        return user is not None and user.is_authenticated
