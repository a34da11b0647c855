"""Settings for phieukin, read from the environment.

Every value an operator may change comes from an environment variable, read here and
nowhere else. The defaults make ``make run`` work on a bare machine: SQLite in WAL mode
under ``var/``, DEBUG on, a development secret that refuses to run with DEBUG off.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

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


DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET)
if not DEBUG and SECRET_KEY == _DEV_SECRET:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")
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
    "phieukin.selfcheck",
    "phieukin.grading",
    "phieukin.public",
    "phieukin.api",
    "phieukin.console",
    "phieukin.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # No LocaleMiddleware: the interface is Vietnamese (LANGUAGE_CODE) whatever the
    # browser's Accept-Language says; district offices often run English-language browsers.
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "phieukin.config.urls"
WSGI_APPLICATION = "phieukin.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
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

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "phieukin",
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

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
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

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

# --- Product settings ------------------------------------------------------------------
# Attempts at entering a code before a client (or a box) is made to wait.
PHIEUKIN_CODE_ATTEMPTS_PER_CLIENT = int(os.environ.get("PHIEUKIN_CODE_ATTEMPTS_PER_CLIENT", "20"))
PHIEUKIN_CODE_ATTEMPTS_PER_BOX = int(os.environ.get("PHIEUKIN_CODE_ATTEMPTS_PER_BOX", "500"))
PHIEUKIN_RATE_WINDOW_SECONDS = int(os.environ.get("PHIEUKIN_RATE_WINDOW_SECONDS", "600"))
# Public base URL printed in the QR codes of code slips.
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
