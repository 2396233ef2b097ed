"""Public reports answered at the door.

A published report's page and files are the same bytes for every visitor without a session:
the page has no token and no user in it, and the files are stored once. This middleware keeps
the whole response (its headers, and its body or the stored file's name) that the report views
gave such a visitor, under a key that holds everything that can change what the address shows
(the address, the evaluation's latest version and status, the language). The next visitor's
request is then answered here, before sessions, CSRF, the URL resolver and the view: one cache
read (the evaluation's state is remembered for a moment, see reports.published.public_state).

It sits in MIDDLEWARE right after WhiteNoise, so SecurityMiddleware still adds its headers to
every answer, and every other header is the one the full path gave.
"""

import re

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, HttpResponse

from kommunekompass.lib.i18n import chosen_language
from kommunekompass.reports import published

REPORT_ADDRESS = re.compile(r"^/reports/(?P<pk>\d+)/(?:v/(?P<number>\d+)/)?(?:(?:pdf|xlsx)/)?$")
MEMO_TIMEOUT = 24 * 3600


def _memo_key(request, pk) -> str | None:
    state = published.public_state(pk)
    if state is None:
        return None
    latest, status, report_language = state
    # The page is in the visitor's chosen language, else in the report's.
    language = chosen_language(request) or report_language
    return f"public-response:{request.path_info}:{latest}:{status}:{language}"


class PublicReportMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = self._visitor_report(request)
        if match is None:
            return self.get_response(request)
        key = _memo_key(request, int(match["pk"]))
        if key is not None:
            memo = cache.get(key)
            if memo is not None:
                answer = self._answer(memo)
                if answer is not None:
                    return answer
        response = self.get_response(request)
        if key is not None and self._keepable(response):
            cache.set(key, self._memo(response), MEMO_TIMEOUT)
        return response

    @staticmethod
    def _visitor_report(request):
        """The address match for a visitor's plain GET of a report address, else None."""
        if request.method != "GET" or request.META.get("QUERY_STRING"):
            return None
        cookies = request.COOKIES
        if cookies.get(settings.SESSION_COOKIE_NAME) or cookies.get("messages"):
            return None
        return REPORT_ADDRESS.match(request.path_info)

    @staticmethod
    def _keepable(response) -> bool:
        return (
            getattr(response, "public_memo", False)
            and response.status_code == 200
            and not response.cookies
            and (not isinstance(response, FileResponse) or hasattr(response, "stored_name"))
        )

    @staticmethod
    def _memo(response) -> dict:
        headers = [(k, v) for k, v in response.items() if k.lower() != "content-length"]
        if isinstance(response, FileResponse):
            # Its name in the file storage (the data directory or the object store).
            return {"headers": headers, "stored": response.stored_name}
        return {"headers": headers, "body": response.content}

    @staticmethod
    def _answer(memo):
        if "stored" in memo:
            try:
                response = FileResponse(published.open_stored(memo["stored"]))
            except OSError:
                return None
        else:
            response = HttpResponse(memo["body"])
            response.headers["Content-Length"] = str(len(memo["body"]))
        for name, value in memo["headers"]:
            response.headers[name] = value
        return response
