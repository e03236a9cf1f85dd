"""Settings: the one place that reads the environment.

Every knob is an environment variable named ``SAMIZDAT_*`` (plus ``DATABASE_URL``);
see docs/configuration.md for the full list.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from samizdat import languages

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


DATA_DIR = Path(env("SAMIZDAT_DATA_DIR", "./data")).resolve()
SECRET_KEY_FILE = DATA_DIR / "secret_key"


def _secret_key() -> tuple[str, bool]:
    """Return (key, ephemeral). The key lives in the data dir, written by ``samizdat init``."""
    if env("SAMIZDAT_SECRET_KEY"):
        return env("SAMIZDAT_SECRET_KEY"), False
    try:
        return SECRET_KEY_FILE.read_text().strip(), False
    except OSError:
        return secrets.token_urlsafe(50), True


SECRET_KEY, SECRET_KEY_EPHEMERAL = _secret_key()
DEBUG = env_bool("SAMIZDAT_DEBUG", False)
SITE_URL = env("SAMIZDAT_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env("SAMIZDAT_SITE_NAME", "")
ONION_URL = env("SAMIZDAT_ONION_URL", "").rstrip("/")

ALLOWED_HOSTS = [h for h in env("SAMIZDAT_ALLOWED_HOSTS", "").split(",") if h] or [
    "127.0.0.1",
    "localhost",
    "[::1]",
    "testserver",
]
if SITE_URL:
    _host = urlsplit(SITE_URL).hostname
    if _host and _host not in ALLOWED_HOSTS:
        ALLOWED_HOSTS.append(_host)
CSRF_TRUSTED_ORIGINS = [SITE_URL] if SITE_URL.startswith("http") else []

INSTALLED_APPS = [
    "samizdat.core",
    "samizdat.publishing",
    "samizdat.discussion",
    "samizdat.search",
    "samizdat.syndication",
    "samizdat.mirror",
    "samizdat.authenticity",
    "samizdat.importers",
    "samizdat.caching",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "samizdat.core.middleware.SecurityHeadersMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "samizdat.caching.middleware.PrivateByDefaultMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samizdat.core.prefix.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "samizdat.importers.middleware.OldUrlRedirectMiddleware",
    "samizdat.core.methods.HttpMethodsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "samizdat.urls"
WSGI_APPLICATION = "samizdat.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "samizdat.core.context_processors.site",
            ],
        },
    },
]

# Database: SQLite in the data dir unless DATABASE_URL says otherwise.
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'samizdat.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when several app servers share rate limits, else files in the data dir.
CACHE_URL = env("SAMIZDAT_CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
elif CACHE_URL.startswith("locmem"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Languages: the enabled ones in the site's order, the first is the default; every fact
# about a language is in samizdat/languages.py (docs/languages.md).
LANGUAGES = languages.django_languages(
    languages.parse_setting(env("SAMIZDAT_LANGUAGES", "ru,kk,en"))
)
LANGUAGE_CODE = LANGUAGES[0][0]
# Per-language site names, e.g. SAMIZDAT_SITE_NAME_KK; fall back to SAMIZDAT_SITE_NAME.
SITE_NAMES = {
    code: env(f"SAMIZDAT_SITE_NAME_{code.upper().replace('-', '_')}", SITE_NAME)
    for code, _name in LANGUAGES
}
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["samizdat.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env("SAMIZDAT_TIME_ZONE", "UTC")

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
# Without nginx in front (demo, small sites) the app serves uploaded media itself.
SERVE_MEDIA = env_bool("SAMIZDAT_SERVE_MEDIA", True)
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("SAMIZDAT_MAX_POST_BYTES", 10 * 1024 * 1024)
IMAGE_MAX_BYTES = env_int("SAMIZDAT_IMAGE_MAX_BYTES", 15 * 1024 * 1024)
IMAGE_WIDTHS = (480, 960, 1600)

# Email (console by default; SMTP when SAMIZDAT_EMAIL_HOST is set).
EMAIL_HOST = env("SAMIZDAT_EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("SAMIZDAT_EMAIL_PORT", 587)
EMAIL_HOST_USER = env("SAMIZDAT_EMAIL_USER")
EMAIL_HOST_PASSWORD = env("SAMIZDAT_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("SAMIZDAT_EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env("SAMIZDAT_EMAIL_FROM", "samizdat@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers; HTTPS-only settings switch on when the site URL is https.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
_https = SITE_URL.startswith("https://")
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SESSION_COOKIE_HTTPONLY = True
if env_bool("SAMIZDAT_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# An https site answers plain http with a redirect to its own address (never to a Host a
# client sent) and tells browsers to stay on https (HSTS; 0 turns it off). See docs/http.md.
SECURE_SSL_REDIRECT = _https
SECURE_SSL_HOST = urlsplit(SITE_URL).netloc if _https else None
SECURE_HSTS_SECONDS = env_int("SAMIZDAT_HSTS_SECONDS", 365 * 24 * 3600) if _https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SAMIZDAT_HSTS_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = False
# URLs never take a prefix from the request (a client's SCRIPT_NAME header); the site is
# served at the root of its host.
FORCE_SCRIPT_NAME = ""

# Publishing
STATEMENTS_PER_PAGE = env_int("SAMIZDAT_STATEMENTS_PER_PAGE", 10)
HOME_STATEMENTS = env_int("SAMIZDAT_HOME_STATEMENTS", 10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("SAMIZDAT_LOG_LEVEL", "WARNING")},
}

# --- authenticity: minisign key pair and statement signatures (docs/signed-statements.md) ---
# Where the site's key pair lives (directory 0700, files 0600).
SIGNING_KEY_DIR = Path(env("SAMIZDAT_KEY_DIR", str(DATA_DIR / "keys"))).resolve()
# Passphrase of an encrypted secret key, for unattended signing on save and `samizdat sign`.
# Empty: statements are signed on save only with an unencrypted key; otherwise left unsigned.
SIGNING_KEY_PASSPHRASE = env("SAMIZDAT_KEY_PASSPHRASE")

# --- Discussion (samizdat.discussion): comments, captcha, anti-spam. See docs/discussion.md. ---
# Close comments N days after publication (0 = never); a per-statement switch is in the admin.
COMMENTS_CLOSE_AFTER_DAYS = env_int("SAMIZDAT_COMMENTS_CLOSE_AFTER_DAYS", 0)
# Address hashes are erased after this many days by `samizdat purge_comment_data`.
COMMENT_IP_RETENTION_DAYS = env_int("SAMIZDAT_COMMENT_IP_RETENTION_DAYS", 30)
COMMENT_MIN_SECONDS = env_int("SAMIZDAT_COMMENT_MIN_SECONDS", 5)  # form render → submit
COMMENT_TOKEN_MAX_AGE = env_int("SAMIZDAT_COMMENT_TOKEN_MAX_AGE", 4 * 3600)  # seconds
# Rate limits as "count/seconds": saved comments per client, all posts per client, per statement.
COMMENT_RATE_CLIENT = env("SAMIZDAT_COMMENT_RATE_CLIENT", "5/600")
COMMENT_RATE_ATTEMPTS = env("SAMIZDAT_COMMENT_RATE_ATTEMPTS", "20/600")
COMMENT_RATE_STATEMENT = env("SAMIZDAT_COMMENT_RATE_STATEMENT", "30/3600")
COMMENT_MAX_LINKS = env_int("SAMIZDAT_COMMENT_MAX_LINKS", 2)  # more links → held
COMMENT_MODERATE_FIRST = env_bool("SAMIZDAT_COMMENT_MODERATE_FIRST", True)
COMMENT_MODERATE_ALL = env_bool("SAMIZDAT_COMMENT_MODERATE_ALL", False)
# Behind a reverse proxy: the request header with the client address, e.g. HTTP_X_REAL_IP.
COMMENT_CLIENT_IP_HEADER = env("SAMIZDAT_CLIENT_IP_HEADER", "")

# --- Mail and background tasks (samizdat.core.mail, `samizdat worker`; docs/configuration.md) ---
# Mail is never sent inside a request: it is queued as a task (Django's tasks API, the
# django-tasks backport) and sent by `samizdat worker`, which `samizdat serve` starts too.


def _env_number(name: str, default: float, *, minimum: float, integer: bool = False) -> float:
    from django.core.exceptions import ImproperlyConfigured

    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.") from None
    if not value >= minimum:  # also refuses nan
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


# "database" (default: the site's own database, one machine or several sharing it) or
# "rq" (Redis Queue: SAMIZDAT_TASKS_REDIS_URL, default SAMIZDAT_CACHE_URL).
TASKS_BACKEND = env("SAMIZDAT_TASKS_BACKEND", "database").strip().lower()
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TASKS_BACKEND == "rq":
    from django.core.exceptions import ImproperlyConfigured

    TASKS_REDIS_URL = env("SAMIZDAT_TASKS_REDIS_URL", CACHE_URL)
    if not TASKS_REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "SAMIZDAT_TASKS_BACKEND=rq needs SAMIZDAT_TASKS_REDIS_URL (or SAMIZDAT_CACHE_URL) "
            "set to a redis:// URL."
        )
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": TASKS_REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"SAMIZDAT_TASKS_BACKEND={TASKS_BACKEND!r}: use 'database' or 'rq'.")
# Seconds an SMTP connection may wait for the server (Django's default is to wait forever).
EMAIL_TIMEOUT = _env_number("SAMIZDAT_EMAIL_TIMEOUT", 10, minimum=0.1)
# A temporary mail failure is retried this many times in all, after 1, 4, 16 … × the base delay.
MAIL_MAX_ATTEMPTS = int(_env_number("SAMIZDAT_MAIL_MAX_ATTEMPTS", 6, minimum=1, integer=True))
MAIL_RETRY_SECONDS = _env_number("SAMIZDAT_MAIL_RETRY_SECONDS", 60, minimum=0)
# Days a reply-notification request waits for its confirmation link before it is forgotten.
COMMENT_CONFIRM_DAYS = int(_env_number("SAMIZDAT_COMMENT_CONFIRM_DAYS", 7, minimum=1, integer=True))
