"""Settings for phieukin, read from the environment.

Every value an operator may change comes from an environment variable, read here and
nowhere else. The defaults are the safe ones: DEBUG off (``make run`` and the tests turn it
on), so a forgotten variable never shows a debug page; SQLite in WAL mode under ``var/``; a
development secret that refuses to run with DEBUG off.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PHIEUKIN_VAR_DIR", BASE_DIR / "var"))
# The SQLite file, uploads and collected static files live here; SQLite cannot create
# the folder itself, and a fresh clone has none.
VAR_DIR.mkdir(parents=True, exist_ok=True)

_DEV_SECRET = "dev-only-secret-do-not-use-in-production-phieukin"  # noqa: S105


def env_bool(name: str, default: bool) -> bool:
    """Return the boolean value of environment variable *name*."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated environment variable as a list."""
    value = os.environ.get(name)
    if not value:
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET)
if not DEBUG and SECRET_KEY == _DEV_SECRET:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in the environment when DEBUG is off "
        "(on a developer's machine: DEBUG=1)."
    )
# Key for the keyed hashes of ballot codes; separate from SECRET_KEY so it can be rotated
# per installation without logging everybody out.
CODE_HASH_KEY = os.environ.get("PHIEUKIN_CODE_KEY", SECRET_KEY)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # The API docs page is rendered from django-ninja's vendored assets (no CDN).
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "phieukin.core",
    "phieukin.accounts",
    "phieukin.audit",
    "phieukin.jobs",
    "phieukin.units",
    "phieukin.questionnaires",
    "phieukin.rounds",
    "phieukin.ballots",
    "phieukin.paper",
    "phieukin.tallying",
    "phieukin.reports",
    "phieukin.followup",
    "phieukin.selfcheck",
    "phieukin.grading",
    "phieukin.criteria",
    "phieukin.recognition",
    "phieukin.records",
    "phieukin.public",
    "phieukin.api",
    "phieukin.console",
    "phieukin.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # django-csp's, leaving a response that carries its own policy (the API's) alone.
    "phieukin.core.csp.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # No LocaleMiddleware: the interface is Vietnamese (LANGUAGE_CODE) whatever the
    # browser's Accept-Language says; district offices often run English-language browsers.
    "django.middleware.common.CommonMiddleware",
    # Before CSRF (which reads the body): refuses oversized uploads from Content-Length.
    "phieukin.core.uploads.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After OTPMiddleware: sends a signed-in user to the second factor or to the
    # password change before any other page (accounts/middleware.py).
    "phieukin.accounts.middleware.SignInStepsMiddleware",
    # Last: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "phieukin.config.urls"
WSGI_APPLICATION = "phieukin.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any password check for a locked account or client.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "console:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "phieukin.console.navigation.navigation",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------
# SQLite settings that the secret ballot relies on: WAL with synchronous=FULL so that an
# acknowledged ballot survives a power loss; secure_delete so that deleted rows (ballots
# re-inserted in random order at sealing) leave no copy in the file; IMMEDIATE transactions
# so that concurrent writers queue instead of failing to upgrade a read lock.
SQLITE_INIT = (
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "PRAGMA secure_delete=ON;"
    "PRAGMA foreign_keys=ON;"
)
_TEST_SQLITE = Path(tempfile.gettempdir()) / f"phieukin-test-{os.getpid()}.sqlite3"

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {})
        # synchronous_commit=on: a commit returns only once the WAL is flushed to disk.
        DATABASES["default"]["OPTIONS"]["options"] = "-c synchronous_commit=on"
        # Statements run on a server-binding cursor (the voting path's, see
        # ballots/services/common.binding_cursor) are prepared once a connection has run
        # them five times; Django's own cursors bind on the client and never prepare.
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5
        DATABASES["default"]["TEST"] = {"NAME": f"test_phieukin_{os.getpid()}"}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "phieukin.sqlite3"),
            "OPTIONS": {
                "init_command": SQLITE_INIT,
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
            # A file, not memory: tests of concurrency and of file contents need one.
            "TEST": {"NAME": str(_TEST_SQLITE)},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every worker and every app server: rate limits of code entry, login
# throttling counters and cached sessions must count across all of them. Redis when
# REDIS_URL is set; otherwise a table of the database (created by a migration);
# PHIEUKIN_CACHE=locmem keeps it in one process (tests, a single-process development server).
REDIS_URL = os.environ.get("REDIS_URL", "")
PHIEUKIN_CACHE = os.environ.get("PHIEUKIN_CACHE", "redis" if REDIS_URL else "database")
if PHIEUKIN_CACHE not in {"redis", "database", "locmem"}:
    raise ImproperlyConfigured("PHIEUKIN_CACHE must be 'redis', 'database' or 'locmem'.")
if PHIEUKIN_CACHE == "redis" and not REDIS_URL:
    raise ImproperlyConfigured("PHIEUKIN_CACHE=redis needs REDIS_URL.")
_SHARED_CACHE: dict[str, Any] = {
    "redis": {"BACKEND": "phieukin.core.redis_cache.RedisCache", "LOCATION": REDIS_URL},
    "database": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "phieukin_cache",
    },
    "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "phieukin"},
}[PHIEUKIN_CACHE]
# "shared" names the requirement where it matters (ballots/ratelimit.py); both aliases use
# the same store.
# Rendered report charts (reports/exporters/base.py) have a cache of their own, so that
# thousands of pictures never push rate-limit counters or sessions out of the shared one:
# the same Redis under a prefix, else files under VAR_DIR (one copy per server).
_CHART_CACHE: dict[str, Any] = {
    "redis": {**_SHARED_CACHE, "KEY_PREFIX": "charts"},
    "database": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "charts"),
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
    "locmem": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "phieukin-charts",
    },
}[PHIEUKIN_CACHE]
# The built content of report pages (reports/page_cache.py): the same Redis under a prefix,
# else a database table of its own that every app server reads, apart from the rate limits'
# table so that large pages never cull counters. It holds confidential figures: protect it
# like the database.
_PAGE_CACHE: dict[str, Any] = {
    "redis": {**_SHARED_CACHE, "KEY_PREFIX": "pages"},
    "database": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "phieukin_page_cache",
        # About 250 KB a leader (page and PDF): 2,000 entries hold the warm-up of two large
        # provinces' rounds; raise it (or use Redis) when many rounds are published at once.
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("PHIEUKIN_PAGE_CACHE_ENTRIES", "2000"))},
    },
    "locmem": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "phieukin-pages",
    },
}[PHIEUKIN_CACHE]
CACHES = {
    "default": _SHARED_CACHE,
    "shared": _SHARED_CACHE,
    "charts": _CHART_CACHE,
    "pages": _PAGE_CACHE,
}
if PHIEUKIN_CACHE == "redis":
    # Sessions read from Redis, written through to the database (survive a Redis restart).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time -----------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
FORMAT_MODULE_PATH = ["phieukin.core.formats"]

# --- Files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media-not-served/"
# Stored files (scans, signed minutes, evidence, job results) go through Django's storage
# API: the local disk under PHIEUKIN_VAR_DIR by default, or S3-compatible object storage
# (MinIO, …) shared by every app server when PHIEUKIN_S3_BUCKET is set (django-storages;
# credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
PHIEUKIN_S3_BUCKET = os.environ.get("PHIEUKIN_S3_BUCKET", "")
_DEFAULT_STORAGE: dict[str, Any] = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": PHIEUKIN_S3_BUCKET,
            "endpoint_url": os.environ.get("PHIEUKIN_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("PHIEUKIN_S3_REGION") or None,
            "location": os.environ.get("PHIEUKIN_S3_PREFIX", ""),
            # Nothing stored is public: every file is served through a checked view.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if PHIEUKIN_S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Request bodies: a form or JSON body (not a file) above 10 MB is refused before it is read;
# file uploads are bounded per kind by phieukin.core.uploads and, for the whole request, by
# PHIEUKIN_MAX_REQUEST_BYTES (checked against Content-Length before the body is read).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
PHIEUKIN_MAX_REQUEST_BYTES = int(
    os.environ.get("PHIEUKIN_MAX_REQUEST_BYTES", str(200 * 1024 * 1024))
)

# --- Security --------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is the operator's commitment for a public domain (opt in with
        # SECURE_HSTS_PRELOAD=1); intranet installations must not be nagged into it.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# A reverse proxy's headers are trusted only when the operator declares how many proxies
# stand in front of the app (PHIEUKIN_PROXY_COUNT=1 behind one nginx that sets
# X-Forwarded-Proto and appends to X-Forwarded-For). Otherwise anyone could claim HTTPS
# or another client address with a header.
PHIEUKIN_PROXY_COUNT = int(os.environ.get("PHIEUKIN_PROXY_COUNT", "0"))
if PHIEUKIN_PROXY_COUNT > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): scripts, styles, images and fonts from this origin
# only; no inline script or style anywhere (pages keep theirs in static files); QR codes
# and charts may be data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Sign-in ---------------------------------------------------------------------------
# Login throttling (django-axes, counted in the database that every app server shares):
# after AXES_FAILURE_LIMIT wrong passwords for one account, or from one client, further
# attempts are refused for AXES_COOLOFF_TIME, or until the district organiser unlocks.
AXES_FAILURE_LIMIT = int(os.environ.get("PHIEUKIN_LOGIN_ATTEMPTS", "5"))
PHIEUKIN_LOGIN_COOLOFF_MINUTES = int(os.environ.get("PHIEUKIN_LOGIN_COOLOFF_MINUTES", "15"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=PHIEUKIN_LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# The lockout lifts a fixed time after it began; attempts during it do not prolong it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "phieukin.accounts.throttle.client_address"
AXES_LOCKOUT_CALLABLE = "phieukin.accounts.views.locked_out"
AXES_SENSITIVE_PARAMETERS = ["password", "token", "otp_token"]
# Second factor (django-otp): the issuer shown in authenticator apps; a TOTP code is
# accepted one step either side of the server's clock.
OTP_TOTP_ISSUER = "phieukin"
OTP_TOTP_TOLERANCE = 1
# API tokens expire after this many days unless created with another lifetime.
PHIEUKIN_API_TOKEN_DAYS = int(os.environ.get("PHIEUKIN_API_TOKEN_DAYS", "90"))

# --- Background work -------------------------------------------------------------------
# With a broker (Redis), jobs run on Celery workers (`celery -A phieukin.config worker`);
# without one they run in a background thread of the web process, so `make run` needs no
# extra server. PHIEUKIN_JOBS_INLINE runs them right after commit in the same thread.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
PHIEUKIN_JOBS_INLINE = env_bool("PHIEUKIN_JOBS_INLINE", default=False)
# A published round's report pages are built as background work when it is published
# (reports/warming.py), so that no reader waits for the first drawing of the charts.
PHIEUKIN_WARM_REPORTS = env_bool("PHIEUKIN_WARM_REPORTS", default=True)

# --- Product settings ------------------------------------------------------------------
# Attempts at entering a code before a client (or a box) is made to wait.
PHIEUKIN_CODE_ATTEMPTS_PER_CLIENT = int(os.environ.get("PHIEUKIN_CODE_ATTEMPTS_PER_CLIENT", "20"))
PHIEUKIN_CODE_ATTEMPTS_PER_BOX = int(os.environ.get("PHIEUKIN_CODE_ATTEMPTS_PER_BOX", "500"))
PHIEUKIN_RATE_WINDOW_SECONDS = int(os.environ.get("PHIEUKIN_RATE_WINDOW_SECONDS", "600"))
# Past those failures, each failed code entry of that client (or box) waits before its
# answer, doubling up to this; a valid code never waits.
PHIEUKIN_RATE_MAX_DELAY_SECONDS = float(os.environ.get("PHIEUKIN_RATE_MAX_DELAY_SECONDS", "8"))
# Failed code entries on one box at which its page warns the committee of guessing.
PHIEUKIN_GUESSING_WARNING = int(os.environ.get("PHIEUKIN_GUESSING_WARNING", "50"))
# Public base URL printed in the QR codes of code slips.
# Citizen feedback on posted plans: submissions per client per window, form token lifetime.
PHIEUKIN_FEEDBACK_PER_CLIENT = int(os.environ.get("PHIEUKIN_FEEDBACK_PER_CLIENT", "5"))
PHIEUKIN_FEEDBACK_WINDOW_SECONDS = int(os.environ.get("PHIEUKIN_FEEDBACK_WINDOW_SECONDS", "3600"))
PHIEUKIN_FEEDBACK_TOKEN_MAX_AGE = int(os.environ.get("PHIEUKIN_FEEDBACK_TOKEN_MAX_AGE", "7200"))
PHIEUKIN_EVIDENCE_MAX_BYTES = int(
    os.environ.get("PHIEUKIN_EVIDENCE_MAX_BYTES", str(5 * 1024 * 1024))
)
PHIEUKIN_PUBLIC_URL = os.environ.get("PHIEUKIN_PUBLIC_URL", "http://127.0.0.1:8000")

# Logging: request lines never carry codes or receipts (see phieukin.core.logging).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "phieukin.core.logging.RedactSecretsFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
