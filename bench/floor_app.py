"""The floor: a bare Django view behind the app's full middleware stack, returning a page of the
scoring page's size without touching the database. Serve it with

    DJANGO_SETTINGS_MODULE=floor_settings gunicorn --pythonpath bench floor_app:application

FLOOR_PAGE names a file whose bytes the view returns (the benchmark saves the scoring page
there); without it, FLOOR_BYTES (default 100000) bytes of filler are returned. Any database
query while a request is handled fails the request (500), so the floor provably has none.
"""

import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.http import HttpResponse
from django.urls import path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "floor_settings")

if os.environ.get("FLOOR_PAGE"):
    PAGE = Path(os.environ["FLOOR_PAGE"]).read_bytes()
else:
    PAGE = b"x" * int(os.environ.get("FLOOR_BYTES", "100000"))


def floor(request):
    return HttpResponse(PAGE, content_type="text/html; charset=utf-8")


urlpatterns = [path("", floor, name="floor")]


class DatabaseUsed(RuntimeError):
    pass


def _no_database(execute, sql, params, many, context):
    raise DatabaseUsed(f"the floor must not query the database: {sql}")


_django = get_wsgi_application()


def application(environ, start_response):
    with connections["default"].execute_wrapper(_no_database):
        return _django(environ, start_response)
