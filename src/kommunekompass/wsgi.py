"""WSGI entry point, used by `kommunekompass serve` and by any WSGI server (gunicorn, waitress)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kommunekompass.settings")

application = get_wsgi_application()
