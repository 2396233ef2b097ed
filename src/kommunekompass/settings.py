"""Django settings. Everything a deployment changes comes from the environment (see README).

KOMMUNEKOMPASS_DATA_DIR       where the SQLite file and uploads live
                              (default: ./kommunekompass-data under the current directory)
KOMMUNEKOMPASS_SECRET_KEY     secret key; if unset, one is made once and kept in the data dir
KOMMUNEKOMPASS_DEBUG          "1" turns on Django's debug mode (never in production)
KOMMUNEKOMPASS_ALLOWED_HOSTS  comma-separated host names (default: 127.0.0.1,localhost)
KOMMUNEKOMPASS_CSRF_TRUSTED_ORIGINS  comma-separated origins, e.g. https://kompass.example.no
KOMMUNEKOMPASS_SECURE         "1" behind HTTPS: secure cookies, HSTS, redirect to https
DATABASE_URL                  e.g. postgres://user:pass@127.0.0.1:5432/kommunekompass;
                              unset means SQLite in the data dir
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent


def _flag(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("KOMMUNEKOMPASS_DATA_DIR") or Path.cwd() / "kommunekompass-data")
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    key = os.environ.get("KOMMUNEKOMPASS_SECRET_KEY")
    if key:
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _flag("KOMMUNEKOMPASS_DEBUG")
ALLOWED_HOSTS = _list("KOMMUNEKOMPASS_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = _list("KOMMUNEKOMPASS_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "kommunekompass.core",
    "kommunekompass.frameworks",
    "kommunekompass.evaluations",
    "kommunekompass.reports",
    "kommunekompass.comparisons",
    "kommunekompass.imports",
    "kommunekompass.improvement",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kommunekompass.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kommunekompass.urls"
WSGI_APPLICATION = "kommunekompass.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite in WAL mode with immediate transactions and a busy timeout: readers never block the
# writer, and concurrent writers wait their turn instead of failing with "database is locked".
SQLITE_OPTIONS = {
    "timeout": 30,
    "transaction_mode": "IMMEDIATE",
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        " PRAGMA busy_timeout=30000;"
    ),
}

if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"],
            conn_max_age=int(os.environ.get("KOMMUNEKOMPASS_DB_CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "kommunekompass.sqlite3",
            "OPTIONS": SQLITE_OPTIONS,
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A per-process memory cache: rendered scoring pages (keyed on each evaluation's revision, so
# never stale) and sessions (read from the cache, written through to the database).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Norwegian bokmål first, English second. Dates and numbers follow the active language.
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian bokmål")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# WhiteNoise serves the apps' static files straight from the package: no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "uploads"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if _flag("KOMMUNEKOMPASS_SECURE"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KOMMUNEKOMPASS_LOG_LEVEL", "INFO")},
    # WeasyPrint reports every step and every SVG property it skips at INFO level.
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
        "matplotlib": {"level": "WARNING"},
    },
}


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, "").strip() or default)


# Limits of importing files (see lib.tabular.Limits and docs/reliability.md).
RESULT_IMPORT_LIMITS = {
    "max_bytes": _int("KOMMUNEKOMPASS_IMPORT_MAX_BYTES", 20 * 1024 * 1024),
    "max_rows": _int("KOMMUNEKOMPASS_IMPORT_MAX_ROWS", 200_000),
    "max_cells": _int("KOMMUNEKOMPASS_IMPORT_MAX_CELLS", 500),
    "max_field_bytes": _int("KOMMUNEKOMPASS_IMPORT_MAX_FIELD_BYTES", 128 * 1024),
    "max_unpacked_bytes": _int("KOMMUNEKOMPASS_IMPORT_MAX_UNPACKED_BYTES", 200 * 1024 * 1024),
    "max_errors": _int("KOMMUNEKOMPASS_IMPORT_MAX_ERRORS", 200),
}
MEASUREMENT_IMPORT_LIMITS = {
    **RESULT_IMPORT_LIMITS,
    "max_bytes": _int("KOMMUNEKOMPASS_MEASUREMENT_IMPORT_MAX_BYTES", 2 * 1024 * 1024),
    "max_rows": _int("KOMMUNEKOMPASS_MEASUREMENT_IMPORT_MAX_ROWS", 10_000),
    "max_unpacked_bytes": _int(
        "KOMMUNEKOMPASS_MEASUREMENT_IMPORT_MAX_UNPACKED_BYTES", 20 * 1024 * 1024
    ),
}
# Uploads waiting for confirmation are removed after this many seconds.
IMPORT_PENDING_MAX_AGE = _int("KOMMUNEKOMPASS_IMPORT_PENDING_MAX_AGE", 24 * 60 * 60)
