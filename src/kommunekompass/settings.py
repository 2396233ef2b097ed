"""Django settings. Everything a deployment changes comes from the environment (see README).

KOMMUNEKOMPASS_DATA_DIR       where the SQLite file and uploads live
                              (default: ./kommunekompass-data under the current directory)
KOMMUNEKOMPASS_SECRET_KEY     secret key; if unset, one is made once and kept in the data dir
KOMMUNEKOMPASS_DEBUG          "1" turns on Django's debug mode (never in production)
KOMMUNEKOMPASS_ALLOWED_HOSTS  comma-separated host names (default: 127.0.0.1,localhost)
KOMMUNEKOMPASS_CSRF_TRUSTED_ORIGINS  comma-separated origins, e.g. https://kompass.example.no
KOMMUNEKOMPASS_SECURE         "1" behind HTTPS: secure cookies, HSTS, redirect to https
KOMMUNEKOMPASS_TRUSTED_PROXIES  comma-separated proxy addresses whose X-Forwarded-* headers
                              `kommunekompass serve` believes (default: none)
KOMMUNEKOMPASS_LOGIN_ATTEMPTS failed logins before an account or address is locked out (5)
KOMMUNEKOMPASS_LOCKOUT_MINUTES how long a lockout lasts (15)
KOMMUNEKOMPASS_SESSION_HOURS  how long a login lasts (8)
KOMMUNEKOMPASS_SMTP_HOST      the mail server; unset means mails are written as files to the folder
                              mail/ in the data dir (demo and development), to read there
KOMMUNEKOMPASS_SMTP_PORT      its port (587)
KOMMUNEKOMPASS_SMTP_USER      user name at the mail server (none)
KOMMUNEKOMPASS_SMTP_PASSWORD  its password (none)
KOMMUNEKOMPASS_SMTP_TLS       "1": STARTTLS (default), "ssl": TLS from the start, "0": none
KOMMUNEKOMPASS_MAIL_FROM      the sender of every mail (Kommunekompass <kommunekompass@localhost>)
KOMMUNEKOMPASS_SITE_URL       the address people open the app at, for links in mails sent by
                              `kommunekompass send-reminders` (http://127.0.0.1:8000)
KOMMUNEKOMPASS_ACCESSIBILITY_CONTACT  e-mail address for feedback on accessibility, shown in
                              the accessibility statement at /accessibility/ (default: none)
KOMMUNEKOMPASS_LOCAL_LOGIN    "0" switches local passwords off: sign in only through single sign-on
KOMMUNEKOMPASS_OIDC_PROVIDERS comma-separated OpenID providers for single sign-on, each set by
                              KOMMUNEKOMPASS_OIDC_<NAME>_* (sso/config.py, docs/deployment.md)
KOMMUNEKOMPASS_LOG_FORMAT     "json": one JSON object per log line (default: plain text)
KOMMUNEKOMPASS_HSTS_INCLUDE_SUBDOMAINS, KOMMUNEKOMPASS_HSTS_PRELOAD  "1": HSTS for subdomains,
                              preload (with KOMMUNEKOMPASS_SECURE=1; default: neither)
KOMMUNEKOMPASS_REDIS_URL      the shared cache in Redis (default: a table in the database)
KOMMUNEKOMPASS_S3_BUCKET      files in this bucket of an S3-compatible store (default: the data
                              dir), with KOMMUNEKOMPASS_S3_ENDPOINT_URL, _ACCESS_KEY_ID,
                              _SECRET_ACCESS_KEY and _REGION
DATABASE_URL                  e.g. postgres://user:pass@127.0.0.1:5432/kommunekompass;
                              unset means SQLite in the data dir
"""

import datetime
import logging
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kommunekompass.lib.datadir import make_private_dir, read_or_create_secret_key
from kommunekompass.sso.config import providers_from_env

PACKAGE_DIR = Path(__file__).resolve().parent


def _flag(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, "").strip() or default)


# The data directory is private: made with mode 0700, the generated key file with 0600. An
# existing directory is not changed, but a warning says so when others may read it.
DATA_DIR = Path(os.environ.get("KOMMUNEKOMPASS_DATA_DIR") or Path.cwd() / "kommunekompass-data")
_data_dir_warnings = make_private_dir(DATA_DIR)


def _secret_key() -> str:
    key = os.environ.get("KOMMUNEKOMPASS_SECRET_KEY")
    if key:
        return key
    key, warnings = read_or_create_secret_key(DATA_DIR / "secret_key")
    _data_dir_warnings.extend(warnings)
    return key


SECRET_KEY = _secret_key()
for _warning in _data_dir_warnings:
    logging.getLogger("kommunekompass.settings").warning(_warning)
DEBUG = _flag("KOMMUNEKOMPASS_DEBUG")
ALLOWED_HOSTS = _list("KOMMUNEKOMPASS_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = _list("KOMMUNEKOMPASS_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "kommunekompass.core",
    "kommunekompass.people",
    "kommunekompass.sso",
    "kommunekompass.meetings",
    "kommunekompass.frameworks",
    "kommunekompass.evaluations",
    "kommunekompass.reports",
    "kommunekompass.comparisons",
    "kommunekompass.imports",
    "kommunekompass.improvement",
    "kommunekompass.forecasts",
    "kommunekompass.surveys",
    "kommunekompass.api",
    # django-ninja: its Swagger UI is served from its own static files (no CDN).
    "ninja",
    "kommunekompass.bundles",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    # The job queue's table (django-tasks' database backend): see lib/jobs.py.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: /health/ and /health/ready/ are answered before anything else (core/health.py).
    "kommunekompass.core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A visitor's request for a public report is answered from what an earlier one left ready.
    "kommunekompass.reports.middleware.PublicReportMiddleware",
    # Outside the session and CSRF middleware, so it sees the cookies they set.
    "kommunekompass.core.middleware.PrivacyHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kommunekompass.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A write that waited out SQLite's busy timeout: 503 "busy, nothing saved", not a 500.
    "kommunekompass.core.middleware.DatabaseBusyMiddleware",
    # Last: turns a locked-out login into the login page with its message.
    "axes.middleware.AxesMiddleware",
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
                "kommunekompass.people.context.reminders",
                "kommunekompass.core.context_processors.language_switch",
                "kommunekompass.sso.context.sign_in",
            ],
        },
    },
]

# Forms start with an error summary linked to the fields (WCAG 3.3.1).
FORM_RENDERER = "kommunekompass.lib.forms.FormRenderer"

# Four eyes: an evaluation is published by someone on its team or a named reviewer other than
# the person who sent it to review. "0" lets the submitter publish alone (the published version
# then says so).
KOMMUNEKOMPASS_FOUR_EYES = _flag("KOMMUNEKOMPASS_FOUR_EYES", "1")

# The e-mail address for feedback on accessibility, shown in the accessibility statement
# (/accessibility/), as the Norwegian regulation on universal design of ICT asks.
KOMMUNEKOMPASS_ACCESSIBILITY_CONTACT = os.environ.get(
    "KOMMUNEKOMPASS_ACCESSIBILITY_CONTACT", ""
).strip()

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
    # The test database is a file in the data dir, not Django's shared in-memory database,
    # whose table locks fail at once instead of waiting: tests of concurrent writers (threads)
    # then see SQLite as it runs in production (WAL, immediate transactions, busy timeout).
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", str(DATA_DIR / "test-kommunekompass.sqlite3")
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A cache shared by every app server: rendered pages (keyed on each evaluation's revision, so
# never stale), the remembered state of public reports, reminder counts, password reset
# counters and the slots that let one rendering run at a time (lib.concurrency). Redis when
# KOMMUNEKOMPASS_REDIS_URL is set; otherwise a table in the database (made by `migrate`, see
# core's migration), so several servers on one database share it with nothing more to run.
REDIS_URL = os.environ.get("KOMMUNEKOMPASS_REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kommunekompass",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "kommunekompass_cache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
# Sessions live in the database (read through the cache): any server reads a session that
# another made.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# The job queue (django-tasks): jobs are rows in the app's own database (SQLite or PostgreSQL),
# run by `kommunekompass worker` (and by a worker thread beside `kommunekompass serve`).
# KOMMUNEKOMPASS_JOBS=immediate runs every job at once in the process that enqueues it.
JOBS_MODE = os.environ.get("KOMMUNEKOMPASS_JOBS", "database").strip() or "database"
if JOBS_MODE not in {"database", "immediate"}:
    raise ImproperlyConfigured("KOMMUNEKOMPASS_JOBS must be 'database' or 'immediate'.")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if JOBS_MODE == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}
# A failed job is tried again this many times in all, after JOB_RETRY_SECONDS, then four
# times as long, and so on.
JOB_ATTEMPTS = _int("KOMMUNEKOMPASS_JOB_ATTEMPTS", 3)
JOB_RETRY_SECONDS = _int("KOMMUNEKOMPASS_JOB_RETRY_SECONDS", 30)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in throttling (django-axes): after KOMMUNEKOMPASS_LOGIN_ATTEMPTS failures for one user
# name, or from one address, further attempts are refused for KOMMUNEKOMPASS_LOCKOUT_MINUTES,
# even with the right password. Each failure during a lockout starts the cool-off again.
AUTHENTICATION_BACKENDS = [
    "kommunekompass.core.auth.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = _int("KOMMUNEKOMPASS_LOGIN_ATTEMPTS", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=_int("KOMMUNEKOMPASS_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kommunekompass.core.views.locked_out"
# REMOTE_ADDR is the client's address: `kommunekompass serve` puts it there from the
# X-Forwarded-For of a trusted proxy only.
AXES_CLIENT_IP_CALLABLE = "kommunekompass.core.auth.client_address"
SESSION_COOKIE_AGE = _int("KOMMUNEKOMPASS_SESSION_HOURS", 8) * 60 * 60
# Password reset links (Django's PasswordResetView) last a day; invitations a week
# (people.invitations).
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60
# Single sign-on with OpenID Connect (sso): the providers from KOMMUNEKOMPASS_OIDC_*; local
# passwords (the login form, password reset and change) unless KOMMUNEKOMPASS_LOCAL_LOGIN=0.
OIDC_PROVIDERS = providers_from_env(os.environ)
LOCAL_LOGIN = _flag("KOMMUNEKOMPASS_LOCAL_LOGIN", "1")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# E-mail: SMTP when a host is set; otherwise every mail is a file in DATA_DIR/mail, so a
# newcomer trying the demo can read the invitation or the password reset link there.
EMAIL_HOST = os.environ.get("KOMMUNEKOMPASS_SMTP_HOST", "").strip()
MAIL_DIR = DATA_DIR / "mail"
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = _int("KOMMUNEKOMPASS_SMTP_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("KOMMUNEKOMPASS_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("KOMMUNEKOMPASS_SMTP_PASSWORD", "")
    _tls = os.environ.get("KOMMUNEKOMPASS_SMTP_TLS", "1").strip().lower()
    EMAIL_USE_SSL = _tls == "ssl"
    EMAIL_USE_TLS = _tls in {"1", "true", "yes", "on"}
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = MAIL_DIR
DEFAULT_FROM_EMAIL = os.environ.get(
    "KOMMUNEKOMPASS_MAIL_FROM", "Kommunekompass <kommunekompass@localhost>"
)
SITE_URL = os.environ.get("KOMMUNEKOMPASS_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Norwegian bokmål first (the default), then nynorsk, Swedish and English. Dates and numbers
# follow the active language: Django's formats for nb, nn and sv give "22. november 2026",
# "22 november 2026" and "6,7" (templates use DATE_FORMAT, never a fixed pattern).
LANGUAGE_CODE = "nb"
LANGUAGES = [
    ("nb", _("Norwegian bokmål")),
    ("nn", _("Norwegian nynorsk")),
    ("sv", _("Swedish")),
    ("en", _("English")),
]
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

# Where files are kept (evidence, the stored files of published versions, what bundles bring):
# the folder uploads/ in the data directory, or, with KOMMUNEKOMPASS_S3_BUCKET, a bucket of an
# S3-compatible object store (django-storages), which several app servers share. The bucket is
# private: every download goes through the app and its access checks.
S3_BUCKET = os.environ.get("KOMMUNEKOMPASS_S3_BUCKET", "").strip()
if S3_BUCKET:
    _s3_endpoint = os.environ.get("KOMMUNEKOMPASS_S3_ENDPOINT_URL", "").strip() or None
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": _s3_endpoint,
            "access_key": os.environ.get("KOMMUNEKOMPASS_S3_ACCESS_KEY_ID", "").strip() or None,
            "secret_key": os.environ.get("KOMMUNEKOMPASS_S3_SECRET_ACCESS_KEY", "").strip() or None,
            "region_name": os.environ.get("KOMMUNEKOMPASS_S3_REGION", "").strip() or None,
            # Another S3-compatible store (MinIO, Ceph, a cloud's own) is addressed by path.
            "addressing_style": "path" if _s3_endpoint else None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    # In MEDIA_ROOT.
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# No inline script anywhere (confirmations are data-confirm attributes read by confirm.js).
# Inline styles stay allowed: the report's page styles and matplotlib's SVG charts use them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), interest-cohort=()"
)
KOMMUNEKOMPASS_SECURE = _flag("KOMMUNEKOMPASS_SECURE")
# Addresses of the reverse proxies whose X-Forwarded-For/-Proto/-Host/-Port headers
# `kommunekompass serve` believes; from any other address those headers are removed.
TRUSTED_PROXIES = _list("KOMMUNEKOMPASS_TRUSTED_PROXIES", "")
if KOMMUNEKOMPASS_SECURE:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    # The app usually runs on a host inside a municipality's domain (kompass.fjordvik.kommune.no):
    # HSTS for every subdomain of it, or the browsers' preload list, is the domain owner's
    # choice, made with these two (then `check --deploy` has nothing to say about them).
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("KOMMUNEKOMPASS_HSTS_INCLUDE_SUBDOMAINS")
    SECURE_HSTS_PRELOAD = _flag("KOMMUNEKOMPASS_HSTS_PRELOAD")
    SILENCED_SYSTEM_CHECKS = [
        *(["security.W005"] if not SECURE_HSTS_INCLUDE_SUBDOMAINS else []),
        *(["security.W021"] if not SECURE_HSTS_PRELOAD else []),
    ]
    # Safe because `kommunekompass serve` (waitress) drops X-Forwarded-Proto unless the
    # request comes from one of TRUSTED_PROXIES. Another server must do the same.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# KOMMUNEKOMPASS_LOG_FORMAT=json: one JSON object per line (python-json-logger), for a log
# collector; otherwise plain lines.
LOG_FORMAT = os.environ.get("KOMMUNEKOMPASS_LOG_FORMAT", "text").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line": {"()": "kommunekompass.core.log_filters.OneLineClientErrors"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("KOMMUNEKOMPASS_LOG_LEVEL", "INFO")},
    # WeasyPrint reports every step and every SVG property it skips at INFO level.
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
        "matplotlib": {"level": "WARNING"},
        # django-axes: failures and lockouts (WARNING), not every step of its bookkeeping.
        "axes": {"level": "WARNING"},
        # Single sign-on: failures (WARNING) and sign-ins (INFO).
        "kommunekompass.sso": {"level": "INFO"},
        # 403 and 404: one line each (method, path, user, status), no traceback.
        "django.request": {"filters": ["one_line"]},
        "django.security": {"filters": ["one_line"]},
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

# Named in the attribution text of the open-data files (NLOD 2.0): who makes them available.
OPEN_DATA_PUBLISHER = os.environ.get("KOMMUNEKOMPASS_OPEN_DATA_PUBLISHER", "Kommunekompass")
