"""Middleware of the whole site: the interface language, private responses, a busy database.

The interface language: Norwegian bokmål unless the user has chosen another language.

Django's LocaleMiddleware would follow the browser's Accept-Language header, so a Norwegian
councillor with an English browser would get English pages. Here only the user's own choice
(the language switch, which sets Django's language cookie) changes the language.
"""

import logging

from django.conf import settings
from django.db import OperationalError
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

from kommunekompass.lib.i18n import chosen_language, request_language

log = logging.getLogger(__name__)


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


BUSY_RETRY_AFTER = 5  # seconds


class DatabaseBusyMiddleware:
    """SQLite lets one transaction write at a time; a request that waited the whole busy
    timeout (30 s) for another writer (a large import, a publication) fails with "database is
    locked". Its transaction was rolled back, so nothing of it was saved: it is answered 503
    with Retry-After and a page that says so, not a server error. (PostgreSQL waits for row
    locks instead and never raises this.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not (isinstance(exception, OperationalError) and "database is locked" in str(exception)):
            return None
        log.warning("Database busy: %s %s answered 503", request.method, request.path)
        referer = request.headers.get("Referer", "")
        back = referer if url_has_allowed_host_and_scheme(referer, {request.get_host()}) else "/"
        response = render(request, "core/busy.html", {"back": back}, status=503)
        response["Retry-After"] = str(BUSY_RETRY_AFTER)
        return response
