"""The app's settings with the floor's URLs: same middleware, sessions, CSRF and logging."""

from kommunekompass.settings import *  # noqa: F403

ROOT_URLCONF = "floor_app"
WSGI_APPLICATION = "floor_app.application"
