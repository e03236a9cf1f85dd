"""Settings: the one place that reads the environment.

Every knob is an environment variable named ``SAMIZDAT_*`` (plus ``DATABASE_URL``);
see docs/configuration.md for the full list.
"""

import secrets
import warnings
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from samizdat import firstrun, languages
from samizdat.environment import Env

BASE_DIR = Path(__file__).resolve().parent
ENV = Env()
# Short names for the strict readers (samizdat/environment.py): a malformed value stops start-up.
env, env_bool, env_int, env_rate = ENV.str, ENV.bool, ENV.int, ENV.rate

DATA_DIR = Path(env("SAMIZDAT_DATA_DIR", "./data")).resolve()
SECRET_KEY_FILE = DATA_DIR / "secret_key"
DEBUG = env_bool("SAMIZDAT_DEBUG", False)


def _secret_key() -> str:
    """The key from SAMIZDAT_SECRET_KEY or the data dir's key file (written by ``samizdat init``).

    Never generated per process outside debug: every worker and restart must sign alike.
    ``init``/``demo`` start without one (``firstrun``) and set it once they have written it.
    """
    if env("SAMIZDAT_SECRET_KEY"):
        return env("SAMIZDAT_SECRET_KEY")
    try:
        key = SECRET_KEY_FILE.read_text().strip()
    except FileNotFoundError:
        key = ""
    except OSError as exc:
        raise ImproperlyConfigured(
            f"Cannot read the secret key file {SECRET_KEY_FILE}: {exc}"
        ) from exc
    if key or firstrun.active:
        return key
    if DEBUG:
        warnings.warn("SAMIZDAT_DEBUG: no secret key file, using a per-process key", stacklevel=1)
        return secrets.token_urlsafe(50)
    raise ImproperlyConfigured(
        f"No secret key at {SECRET_KEY_FILE}: run `samizdat init` once (with the same "
        "SAMIZDAT_DATA_DIR) to write it, or set SAMIZDAT_SECRET_KEY."
    )


SECRET_KEY = _secret_key()
SITE_URL = ENV.url("SAMIZDAT_SITE_URL", "http://127.0.0.1:8000")
SITE_NAME = env("SAMIZDAT_SITE_NAME", "")
ONION_URL = ENV.url("SAMIZDAT_ONION_URL", "")

ALLOWED_HOSTS = ENV.list(
    "SAMIZDAT_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if SITE_URL:
    _host = urlsplit(SITE_URL).hostname
    if _host and _host not in ALLOWED_HOSTS:
        ALLOWED_HOSTS.append(_host)
CSRF_TRUSTED_ORIGINS = [SITE_URL] if SITE_URL.startswith("http") else []

INSTALLED_APPS = [
    "samizdat.core",
    "samizdat.accounts",
    "samizdat.publishing",
    "samizdat.discussion",
    "samizdat.search",
    "samizdat.syndication",
    "samizdat.mirror",
    "samizdat.mirror.network",
    "samizdat.authenticity",
    "samizdat.importers",
    "samizdat.caching",
    "samizdat.history",
    "samizdat.accounts.adminconfig.StaffAdminConfig",  # django.contrib.admin, 2FA-gated
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
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
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "samizdat.accounts.middleware.StaffAccessMiddleware",
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
DATABASES = {
    "default": {
        **ENV.database("DATABASE_URL", f"sqlite:///{DATA_DIR / 'samizdat.sqlite3'}"),
        # Kept between requests: `samizdat serve` runs every request's sync code on one thread
        # per worker (samizdat/asgi.py), so a worker keeps one connection (docs/performance.md).
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
    }
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # A read-heavy site: WAL (readers never wait for the writer), NORMAL sync (durable at
        # checkpoints, safe in WAL), 16 MB page cache and 64 MB of the file mapped per
        # connection (kept small: mapped pages count in the worker's RSS), temp b-trees in RAM.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16000;"
            " PRAGMA mmap_size=67108864; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,  # a writer waits up to 20 s for the lock, never fails
    }
    # The same backend, waiting for the write lock in 50 µs steps instead of SQLite's
    # 1, 2, 5… ms sleeps (samizdat/core/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "samizdat.core.sqlite"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same backend, its health check without a round trip while the connection is in
    # steady use (samizdat/core/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "samizdat.core.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when several app servers share rate limits, else files in the data dir.
CACHE_URL = ENV.cache_url("SAMIZDAT_CACHE_URL")
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
            # Rendered pages live here too (samizdat.caching): room for a site's pages.
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# Page cache (samizdat.caching.pages, docs/http.md "Page cache"): public pages rendered once
# per content change, kept in the cache above until a content version they show moves.
PAGE_CACHE = env_bool("SAMIZDAT_PAGE_CACHE", True)
# Only frees space: entries become unreachable at once when the content changes.
PAGE_CACHE_SECONDS = env_int("SAMIZDAT_PAGE_CACHE_SECONDS", 24 * 3600, minimum=60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
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
TIME_ZONE = ENV.time_zone("SAMIZDAT_TIME_ZONE", "UTC")

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
# Without nginx in front (demo, small sites) the app serves uploaded media itself.
SERVE_MEDIA = env_bool("SAMIZDAT_SERVE_MEDIA", True)
WHITENOISE_USE_FINDERS = True
# Hashed static names (app.3f2a….css) so nginx and whitenoise can cache them for a year.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "samizdat.core.staticfiles.HashedStaticFiles"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("SAMIZDAT_MAX_POST_BYTES", 10 * 1024 * 1024, minimum=1)
IMAGE_MAX_BYTES = env_int("SAMIZDAT_IMAGE_MAX_BYTES", 15 * 1024 * 1024, minimum=1)
IMAGE_WIDTHS = (480, 960, 1600)

# Email (console by default; SMTP when SAMIZDAT_EMAIL_HOST is set).
EMAIL_HOST = env("SAMIZDAT_EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("SAMIZDAT_EMAIL_PORT", 587, minimum=1, maximum=65535)
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
# Behind nginx: trust its X-Forwarded-Proto, and find the client in X-Forwarded-For
# (samizdat.core.clientip): a count of proxies in front, or their networks.
BEHIND_PROXY = env_bool("SAMIZDAT_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# An https site answers plain http with a redirect to its own address (never to a Host a
# client sent) and tells browsers to stay on https (HSTS; 0 turns it off). See docs/http.md.
SECURE_SSL_REDIRECT = _https
SECURE_SSL_HOST = urlsplit(SITE_URL).netloc if _https else None
SECURE_HSTS_SECONDS = env_int("SAMIZDAT_HSTS_SECONDS", 365 * 24 * 3600, minimum=0) if _https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SAMIZDAT_HSTS_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = False
# URLs never take a prefix from the request (a client's SCRIPT_NAME header); the site is
# served at the root of its host.
FORCE_SCRIPT_NAME = ""
TRUSTED_PROXIES = ENV.proxies("SAMIZDAT_TRUSTED_PROXIES")

# `samizdat serve` (gunicorn) defaults.
SERVE_HOST = env("SAMIZDAT_HOST", "127.0.0.1")
SERVE_PORT = env_int("SAMIZDAT_PORT", 8000, minimum=1, maximum=65535)
SERVE_WORKERS = env_int("SAMIZDAT_WORKERS", 2, minimum=1)
FORWARDED_ALLOW_IPS = ENV.addresses("SAMIZDAT_FORWARDED_ALLOW_IPS", "127.0.0.1")
# `samizdat init`: the admin account it creates (never prompts).
ADMIN_USER = env("SAMIZDAT_ADMIN_USER")
ADMIN_EMAIL = env("SAMIZDAT_ADMIN_EMAIL")
ADMIN_PASSWORD = env("SAMIZDAT_ADMIN_PASSWORD")

# Publishing
STATEMENTS_PER_PAGE = env_int("SAMIZDAT_STATEMENTS_PER_PAGE", 10, minimum=1)
HOME_STATEMENTS = env_int("SAMIZDAT_HOME_STATEMENTS", 10, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": ENV.choice(
            "SAMIZDAT_LOG_LEVEL", "WARNING", {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}
        ),
    },
}

# --- authenticity: minisign key pair and statement signatures (docs/signed-statements.md) ---
# Where the site's key pair lives (directory 0700, files 0600).
SIGNING_KEY_DIR = Path(env("SAMIZDAT_KEY_DIR", str(DATA_DIR / "keys"))).resolve()
# Unattended signing (documented risk, docs/signed-statements.md): only when the operator opts
# in is SAMIZDAT_KEY_PASSPHRASE read, and then anyone who controls the server can sign. Without
# it an editor types the passphrase in the sign form for each signature (never stored).
SIGNING_UNATTENDED = env_bool("SAMIZDAT_UNATTENDED_SIGNING", False)
SIGNING_KEY_PASSPHRASE = env("SAMIZDAT_KEY_PASSPHRASE") if SIGNING_UNATTENDED else ""
SIGNING_PASSPHRASE_IGNORED = bool(env("SAMIZDAT_KEY_PASSPHRASE")) and not SIGNING_UNATTENDED
# Files outside the database that the static mirror exports (public key, keyring, transitions).
MIRROR_URL_PROVIDERS = ["samizdat.authenticity.keyring.mirror_urls"]

# mirror network (samizdat/mirror/network, docs/mirror-network.md): the targets file, by default
# DATA_DIR/mirrors.toml.
MIRROR_NETWORK_CONFIG = ENV.str("SAMIZDAT_MIRRORS_FILE", "")
MIRROR_URL_PROVIDERS.append("samizdat.mirror.network.provider.mirror_urls")

# --- Discussion (samizdat.discussion): comments, captcha, anti-spam. See docs/discussion.md. ---
# Close comments N days after publication (0 = never); a per-statement switch is in the admin.
COMMENTS_CLOSE_AFTER_DAYS = env_int("SAMIZDAT_COMMENTS_CLOSE_AFTER_DAYS", 0)
# Address hashes are erased after this many days by `samizdat purge_comment_data`.
COMMENT_IP_RETENTION_DAYS = env_int("SAMIZDAT_COMMENT_IP_RETENTION_DAYS", 30)
COMMENT_MIN_SECONDS = env_int("SAMIZDAT_COMMENT_MIN_SECONDS", 5)  # form render → submit
COMMENT_TOKEN_MAX_AGE = env_int("SAMIZDAT_COMMENT_TOKEN_MAX_AGE", 4 * 3600)  # seconds
# Threads (a comment and its replies) per page of a statement's discussion (?comments=N).
COMMENT_THREADS_PER_PAGE = env_int("SAMIZDAT_COMMENT_THREADS_PER_PAGE", 50, minimum=1)
# Rate limits as "count/seconds": saved comments per client, all posts per client, per statement.
COMMENT_RATE_CLIENT = env_rate("SAMIZDAT_COMMENT_RATE_CLIENT", "5/600")
COMMENT_RATE_ATTEMPTS = env_rate("SAMIZDAT_COMMENT_RATE_ATTEMPTS", "20/600")
COMMENT_RATE_STATEMENT = env_rate("SAMIZDAT_COMMENT_RATE_STATEMENT", "30/3600")
COMMENT_MAX_LINKS = env_int("SAMIZDAT_COMMENT_MAX_LINKS", 2)  # more links → held
COMMENT_MODERATE_FIRST = env_bool("SAMIZDAT_COMMENT_MODERATE_FIRST", True)
COMMENT_MODERATE_ALL = env_bool("SAMIZDAT_COMMENT_MODERATE_ALL", False)

# --- Mail and background tasks (samizdat.core.mail, `samizdat worker`; docs/configuration.md) ---
# Mail is never sent inside a request: it is queued as a task (Django's tasks API, the
# django-tasks backport) and sent by `samizdat worker`, which `samizdat serve` starts too.


# "database" (default: the site's own database, one machine or several sharing it) or
# "rq" (Redis Queue: SAMIZDAT_TASKS_REDIS_URL, default SAMIZDAT_CACHE_URL).
TASKS_BACKEND = ENV.choice("SAMIZDAT_TASKS_BACKEND", "database", {"database", "rq"})
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:  # rq
    TASKS_REDIS_URL = ENV.cache_url("SAMIZDAT_TASKS_REDIS_URL") or CACHE_URL
    if not TASKS_REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "SAMIZDAT_TASKS_BACKEND=rq needs SAMIZDAT_TASKS_REDIS_URL (or SAMIZDAT_CACHE_URL) "
            "set to a redis:// URL."
        )
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": TASKS_REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
# Seconds an SMTP connection may wait for the server (Django's default is to wait forever).
EMAIL_TIMEOUT = ENV.number("SAMIZDAT_EMAIL_TIMEOUT", 10, minimum=0.1)
# A temporary mail failure is retried this many times in all, after 1, 4, 16 … × the base delay.
MAIL_MAX_ATTEMPTS = env_int("SAMIZDAT_MAIL_MAX_ATTEMPTS", 6, minimum=1)
MAIL_RETRY_SECONDS = ENV.number("SAMIZDAT_MAIL_RETRY_SECONDS", 60, minimum=0)
# Days a reply-notification request waits for its confirmation link before it is forgotten.
COMMENT_CONFIRM_DAYS = env_int("SAMIZDAT_COMMENT_CONFIRM_DAYS", 7, minimum=1)


# --- Newsletter (samizdat.newsletter): per-language lists, double opt-in. docs/newsletter.md ---
INSTALLED_APPS.append("samizdat.newsletter")
# Mails per second a send goes out at (0 = as fast as the server takes them), per batch task.
NEWSLETTER_RATE = ENV.number("SAMIZDAT_NEWSLETTER_RATE", 10, minimum=0)
NEWSLETTER_BATCH = env_int("SAMIZDAT_NEWSLETTER_BATCH", 100, minimum=1)
# Days an unconfirmed subscription waits for its link; hours a "your data" link works.
NEWSLETTER_CONFIRM_DAYS = env_int("SAMIZDAT_NEWSLETTER_CONFIRM_DAYS", 3, minimum=1)
NEWSLETTER_MANAGE_HOURS = env_int("SAMIZDAT_NEWSLETTER_MANAGE_HOURS", 24, minimum=1)
# Days the per-recipient delivery rows of a finished send are kept (the totals stay).
NEWSLETTER_DELIVERY_DAYS = env_int("SAMIZDAT_NEWSLETTER_DELIVERY_DAYS", 30, minimum=1)
# Subscription/data-link mails per client, and form posts per client ("count/seconds").
NEWSLETTER_RATE_CLIENT = env_rate("SAMIZDAT_NEWSLETTER_RATE_CLIENT", "5/3600")
NEWSLETTER_RATE_ATTEMPTS = env_rate("SAMIZDAT_NEWSLETTER_RATE_ATTEMPTS", "20/600")
# Mirror addresses named in every mail, after the signed list at /.well-known/.
NEWSLETTER_MIRRORS = ENV.list("SAMIZDAT_NEWSLETTER_MIRRORS", [])


# --- accounts: staff two-factor sign-in, throttling, sessions, audit (docs/accounts.md) ---
from urllib.parse import urlsplit as _urlsplit  # noqa: E402

# Staff sessions end after this long without a request, and this long after signing in.
STAFF_SESSION_IDLE = env_int("SAMIZDAT_STAFF_SESSION_IDLE", 30 * 60, minimum=1)
STAFF_SESSION_MAX = env_int("SAMIZDAT_STAFF_SESSION_MAX", 12 * 3600, minimum=1)
# Sessions are database rows keyed by SHA-256 of the cookie's key (see accounts/sessions.py).
SESSION_ENGINE = "samizdat.accounts.sessions"
SESSION_COOKIE_AGE = STAFF_SESSION_IDLE
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LOGIN_URL = "admin:login"
# Sign-in throttling: free failures before delays start (then 1 s, 2 s, 4 s … up to the
# maximum), failures per day before a name / an address is locked out, and for how long.
LOGIN_FREE_FAILURES = env_int("SAMIZDAT_LOGIN_FREE_FAILURES", 3, minimum=0)
LOGIN_MAX_DELAY = env_int("SAMIZDAT_LOGIN_MAX_DELAY", 300, minimum=1)
LOGIN_ACCOUNT_LOCKOUT = env_int("SAMIZDAT_LOGIN_ACCOUNT_LOCKOUT", 10, minimum=1)
LOGIN_ADDRESS_LOCKOUT = env_int("SAMIZDAT_LOGIN_ADDRESS_LOCKOUT", 30, minimum=1)
LOGIN_LOCKOUT_SECONDS = env_int("SAMIZDAT_LOGIN_LOCKOUT_SECONDS", 24 * 3600, minimum=1)
# django-otp and django-otp-webauthn (passkeys as a second factor only, for the site's host).
OTP_TOTP_ISSUER = SITE_NAME or SITE_NAMES.get("en") or _urlsplit(SITE_URL).hostname or "samizdat"
OTP_TOTP_THROTTLE_FACTOR = 1
# Browsers offer passkeys on https sites only (and on http://localhost): a plain-http site
# (the demo) gets them at http://localhost:PORT.
_site = _urlsplit(SITE_URL)
if _site.scheme == "https" or _site.hostname == "localhost":
    OTP_WEBAUTHN_RP_ID = _site.hostname or "localhost"
    OTP_WEBAUTHN_ALLOWED_ORIGINS = [SITE_URL]
else:
    OTP_WEBAUTHN_RP_ID = "localhost"
    OTP_WEBAUTHN_ALLOWED_ORIGINS = [f"http://localhost:{_site.port or 80}"]
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

# --- Privacy (samizdat.privacy): what a seized disk or log reveals. See docs/privacy.md. ---
INSTALLED_APPS.append("samizdat.privacy")
# Uploads stay in memory (capped at IMAGE_MAX_BYTES): an original photo never touches the disk.
FILE_UPLOAD_HANDLERS = ["samizdat.privacy.uploads.MemoryOnlyUploadHandler"]
if DATABASES["default"]["ENGINE"] == "samizdat.core.sqlite":
    # Deleted rows (destroyed address keys, erased hashes) are overwritten, not left in free pages.
    DATABASES["default"]["OPTIONS"]["init_command"] += " PRAGMA secure_delete=ON;"
# The age public key (age1…) backups are encrypted to; else DATA_DIR/backup-recipient.txt.
BACKUP_RECIPIENT = env("SAMIZDAT_BACKUP_RECIPIENT", "")
# Logs: no client addresses, no query strings, times to the minute (samizdat/privacy/logs.py).
LOGGING["filters"] = {"privacy": {"()": "samizdat.privacy.logs.PrivacyFilter"}}
LOGGING["formatters"] = {
    "minute": {
        "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
        "datefmt": "%Y-%m-%d %H:%M",
    }
}
LOGGING["handlers"]["console"].update(filters=["privacy"], formatter="minute")
# Django's own loggers go through the filtered console handler, not their unfiltered defaults.
LOGGING["loggers"] = {
    name: {"handlers": [], "propagate": True, "level": LOGGING["root"]["level"]}
    for name in ("django", "django.server")
}
if EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":
    EMAIL_BACKEND = "samizdat.privacy.mail.MaskedConsoleEmailBackend"

# --- Federation (samizdat.federation): ActivityPub actors per language. See docs/federation.md ---
INSTALLED_APPS.append("samizdat.federation")
# Replies from the fediverse: "off" (default, not shown) or "moderate" (pending comments).
FEDERATION_REPLIES = ENV.choice("SAMIZDAT_FEDERATION_REPLIES", "off", {"off", "moderate"})
FEDERATION_MAX_REPLY = env_int("SAMIZDAT_FEDERATION_MAX_REPLY", 5000, minimum=1)  # characters
# Largest inbox POST taken (bytes), and how far a signed Date may be from our clock (seconds).
FEDERATION_MAX_BODY = env_int("SAMIZDAT_FEDERATION_MAX_BODY", 256 * 1024, minimum=1024)
FEDERATION_DATE_WINDOW = env_int("SAMIZDAT_FEDERATION_DATE_WINDOW", 300, minimum=1)
# Seconds to wait for a remote server; delivery attempts in all, after 1, 4, 16 … × the base.
FEDERATION_TIMEOUT = ENV.number("SAMIZDAT_FEDERATION_TIMEOUT", 10, minimum=0.1)
FEDERATION_MAX_ATTEMPTS = env_int("SAMIZDAT_FEDERATION_MAX_ATTEMPTS", 8, minimum=1)
FEDERATION_RETRY_SECONDS = ENV.number("SAMIZDAT_FEDERATION_RETRY_SECONDS", 60, minimum=0)
# Only for tests and closed networks: allow plain http and loopback/private peer addresses.
FEDERATION_ALLOW_PRIVATE = env_bool("SAMIZDAT_FEDERATION_ALLOW_PRIVATE", False)

# --- history: revisions, signed old versions, translation freshness (docs/history.md) ---
# Machine-translated drafts: off unless a backend is chosen. "libretranslate" calls a
# self-hosted LibreTranslate-compatible server's POST /translate at SAMIZDAT_MT_URL.
MT_BACKEND = ENV.choice("SAMIZDAT_MT_BACKEND", "off", {"off", "libretranslate"})
MT_URL = ENV.url("SAMIZDAT_MT_URL", "")
MT_API_KEY = env("SAMIZDAT_MT_API_KEY", "")
MT_TIMEOUT = env_int("SAMIZDAT_MT_TIMEOUT", 60, minimum=1, maximum=600)
if MT_BACKEND == "libretranslate" and not MT_URL:
    raise ImproperlyConfigured("SAMIZDAT_MT_BACKEND=libretranslate needs SAMIZDAT_MT_URL")

# --- Mirror (samizdat.mirror): a local tree kept fresh by the worker, for nginx's "under
# attack" mode (docs/deploy.md, docs/mirror.md). Empty: no automatic export. ---
MIRROR_DIR = env("SAMIZDAT_MIRROR_DIR", "")
MIRROR_CHECK_SECONDS = env_int("SAMIZDAT_MIRROR_CHECK_SECONDS", 5, minimum=1)
MIRROR_REFRESH_SECONDS = env_int("SAMIZDAT_MIRROR_REFRESH_SECONDS", 300, minimum=10)
