"""Copse settings: one module, every knob read from the environment.

Defaults give a safe local set-up that runs as production does (debug off,
SQLite in ./var, mail to files in ./var/outbox, a secret key generated into
./var/secret_key); `make dev` sets COPSE_DEBUG=1. Production sets
COPSE_SECRET_KEY, COPSE_ALLOWED_HOSTS and COPSE_BASE_URL (https) and gets
secure cookies, HSTS and a strict CSP.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF

from copse.sso.configuration import sign_in_origins, sign_in_providers

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("COPSE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("COPSE_DEBUG", False)
TESTING = env_bool("COPSE_TESTING", False)
VAR_DIR.mkdir(parents=True, exist_ok=True)

# The "django-insecure-" prefix makes `copse check --deploy` warn (security.W009)
# if it is ever used with debug off; this key is public, for debug and tests only.
_INSECURE_DEV_KEY = "django-insecure-copse-development-key-change-me-in-production-0123456789"


def _generated_secret_key(path: Path) -> str:
    """The key in `path`, made on first use. Every process started from the same
    var/ (web workers, the task worker, `copse` commands) reads the same key;
    two processes starting at once agree, as the file appears whole or not at all."""
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(50))
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink(missing_ok=True)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("COPSE_SECRET_KEY") or (
    _INSECURE_DEV_KEY if DEBUG or TESTING else _generated_secret_key(VAR_DIR / "secret_key")
)

BASE_URL = os.environ.get(
    "COPSE_BASE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
).rstrip("/")
_base = urlsplit(BASE_URL)
BEHIND_TLS = _base.scheme == "https"

ALLOWED_HOSTS = env_list("COPSE_ALLOWED_HOSTS", f"127.0.0.1,localhost,{_base.hostname}")
CSRF_TRUSTED_ORIGINS = [f"{_base.scheme}://{_base.netloc}"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "copse.core",
    "copse.accounts",
    "copse.organisations",
    "copse.audit",
    "copse.communities",
    "copse.memberships",
    "copse.norms",
    "copse.conversations",
    "copse.notifications",
    "copse.people",
    "copse.search",
    "copse.topics",
    "copse.meetings",
    "copse.library",
    "copse.projects",
    "copse.calendars",
    "copse.mailing",
    "copse.expertise",
    "copse.decisions",
    "copse.health",
    "copse.value",
    "copse.pulses",
    "copse.sponsors",
    "copse.workers",
    "copse.backups",
    # Listens to the signals of conversations, meetings, memberships and
    # decisions; none of them imports it.
    "copse.webhooks",
    # allauth's social accounts made to fit Copse: nothing imports it.
    "copse.sso",
    # Reads what every app holds to export it; none imports it.
    "copse.exports",
    # Reads the selectors of the apps whose news it gathers; none imports it.
    "copse.home",
    # The REST API: reads each app's selectors and writes through its services.
    "ninja",
    "copse.api",
    # Invites many people from a CSV list through memberships; none imports it.
    "copse.member_imports",
    # Erases or anonymises a deleted account's rows in the apps above; none imports it.
    "copse.departures",
    # Imports every app above, and nothing imports it.
    "copse.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language; the person's own choice overrides it below.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "copse.core.middleware.PersonalLanguageMiddleware",
    "copse.core.middleware.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "copse.core.middleware.PrivateCacheMiddleware",
    # Inside the header middleware, so its redirect gets the same headers.
    "copse.core.middleware.SignInFirstMiddleware",
    "copse.core.exception_middleware.UserFacingErrorMiddleware",
    "copse.core.exception_middleware.StorageFailureMiddleware",
]

ROOT_URLCONF = "copse.urls"
WSGI_APPLICATION = "copse.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "copse" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "copse.core.context_processors.site",
                "copse.notifications.context_processors.unread_notifications",
                "copse.mailing.context_processors.mail_bouncing",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'copse.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE takes the write
    # lock at BEGIN so two writers queue on busy_timeout instead of failing with
    # "database is locked" when a read transaction tries to upgrade.
    # Connections stay open: when the last one closes, SQLite removes its
    # shared-memory file, and opening the database again needs room to make
    # it. On a full disk the site could then not even read (docs/decisions.md).
    DATABASES["default"]["CONN_MAX_AGE"] = None
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": int(os.environ.get("COPSE_SQLITE_TIMEOUT", 30)),
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            f"PRAGMA busy_timeout={int(os.environ.get('COPSE_SQLITE_TIMEOUT', 30)) * 1000};"
        ),
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts (django-allauth) --------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "copse.accounts.backends.CopseAuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; the suite creates hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Copse] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if BEHIND_TLS else "http"
ACCOUNT_ADAPTER = "copse.accounts.adapter.CopseAccountAdapter"
ACCOUNT_FORMS = {"signup": "copse.accounts.forms.SignupForm"}
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
if TESTING:
    ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Behind the TLS proxy every request arrives from the proxy's address, so the
# per-IP limits must read the client's address from X-Forwarded-For, or one
# person's failed sign-ins would lock everyone out. The number is how many
# proxies append to that header (0: none, use the connecting address).
ALLAUTH_TRUSTED_PROXY_COUNT = int(
    os.environ.get("COPSE_TRUSTED_PROXY_COUNT", 1 if BEHIND_TLS else 0)
)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Copse"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home:index"
ACCOUNT_LOGOUT_REDIRECT_URL = "communities:directory"

# --- Single sign-on (allauth's social accounts) ----------------------------
# Institutions' identity providers, from COPSE_OIDC_PROVIDERS and
# COPSE_SAML_PROVIDERS (copse/sso/configuration.py, docs/single-sign-on.md).
# None set: no sign-in buttons, and sign-in is by address and password only.
SOCIALACCOUNT_PROVIDERS = sign_in_providers(os.environ)
if "saml" in SOCIALACCOUNT_PROVIDERS:
    INSTALLED_APPS.insert(
        INSTALLED_APPS.index("allauth.socialaccount.providers.openid_connect") + 1,
        "allauth.socialaccount.providers.saml",
    )
SOCIALACCOUNT_ADAPTER = "copse.sso.adapter.CopseSocialAccountAdapter"
SOCIALACCOUNT_FORMS = {"signup": "copse.sso.forms.SignupForm"}
# A provider's word that someone holds an address never signs them in to the
# existing account with that address: they sign in to it as before and
# connect the provider there (docs/single-sign-on.md, "Safety choices").
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
# An address the provider does not say it verified is confirmed by mail first.
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_AUTO_SIGNUP = True
# Starting a sign-in is a POST with the CSRF token: a link on another site
# cannot start one.
SOCIALACCOUNT_LOGIN_ON_GET = False
# Copse calls no provider's API on anyone's behalf: it keeps no tokens.
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = int(os.environ.get("COPSE_SSO_TIMEOUT", 10))

# --- Caches -------------------------------------------------------------------
# "default" holds what every process must agree on: allauth's sign-in rate
# limits (a per-process cache let each gunicorn worker count on its own). It is
# the database (table copse_cache, made by `copse migrate`) unless
# COPSE_REDIS_URL names a Redis server (redis://host:6379/0). Rendered
# fragments are the same for everyone who may see them and are cheap to redo,
# so each process keeps its own ("template_fragments", which {% cache %} uses).
REDIS_URL = os.environ.get("COPSE_REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("COPSE_REDIS_PREFIX", "copse"),
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "copse_cache",
        }
    ),
    "template_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "copse-fragments",
    },
}

# --- API ---------------------------------------------------------------------
# Calls a minute per token (or per signed-in session), counted in the default
# cache, which several web processes share when COPSE_REDIS_URL is set.
COPSE_API_RATE_PER_MINUTE = int(os.environ.get("COPSE_API_RATE_PER_MINUTE", 120))
# ninja's own paging is not used (lists page by keyset cursors); its docs
# page loads its scripts from our static files, never a CDN.
NINJA_PAGINATION_MAX_LIMIT = 100

# --- Sessions and cookies --------------------------------------------------
# Django's database sessions, except that a page is still shown when only the
# last-seen time or a cached answer could not be saved (a full disk).
SESSION_ENGINE = "copse.core.sessions"
SESSION_IDLE_SECONDS = int(os.environ.get("COPSE_SESSION_IDLE_SECONDS", 60 * 60 * 24 * 14))
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("COPSE_SESSION_ABSOLUTE_SECONDS", 60 * 60 * 24 * 30))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = BEHIND_TLS
CSRF_COOKIE_SECURE = BEHIND_TLS
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "copse.core.views.csrf_failure"

# --- Security headers ------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if BEHIND_TLS:
    SECURE_SSL_REDIRECT = env_bool("COPSE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("COPSE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("COPSE_HSTS_PRELOAD", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # Signing in through a provider is a form whose answer redirects to it.
        "form-action": [SELF, *sign_in_origins(SOCIALACCOUNT_PROVIDERS)],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# --- Email -------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "COPSE_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("COPSE_EMAIL_HOST")
    # Without a mail server, each message is a file under var/outbox/ (and
    # listed on each person's "Mail Copse sent you" page).
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_HOST = os.environ.get("COPSE_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("COPSE_EMAIL_PORT", 25))
# One SMTP call may not outlast the outbox lease (copse.mailing.outbound.LEASE).
EMAIL_TIMEOUT = int(os.environ.get("COPSE_EMAIL_TIMEOUT", 15))
EMAIL_HOST_USER = os.environ.get("COPSE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("COPSE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("COPSE_EMAIL_TLS", False)
EMAIL_FILE_PATH = str(VAR_DIR / "outbox")
DEFAULT_FROM_EMAIL = os.environ.get("COPSE_FROM_EMAIL", f"Copse <copse@{_base.hostname}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The domain of community addresses (<slug>@…), reply addresses (reply+…@…)
# and the bounce return path (bounce+…@…). Its MX must reach `copse mail-server`
# or an MTA piping to `copse mail-inbound`.
COPSE_MAIL_DOMAIN = os.environ.get("COPSE_MAIL_DOMAIN", _base.hostname or "localhost")
COPSE_MAIL_SERVER_HOST = os.environ.get("COPSE_MAIL_SERVER_HOST", "127.0.0.1")
COPSE_MAIL_SERVER_PORT = int(os.environ.get("COPSE_MAIL_SERVER_PORT", 2525))
# How many delivery tasks a large fan-out or digest run starts at once; each
# worker that takes one sends over its own SMTP connection.
COPSE_MAIL_SENDERS = int(os.environ.get("COPSE_MAIL_SENDERS", 3))
# Sent mail is listed (and kept in the outbox table) for this many days.
COPSE_MAIL_KEEP_DAYS = int(os.environ.get("COPSE_MAIL_KEEP_DAYS", 30))
# Digests go out after this hour in each recipient's time zone.
COPSE_DIGEST_HOUR = int(os.environ.get("COPSE_DIGEST_HOUR", 7))
# Decisions: how long a proposal stays open unless its proposer says otherwise,
# and how long an admission (a join request the members decide) stays open.
COPSE_PROPOSAL_DAYS = int(os.environ.get("COPSE_PROPOSAL_DAYS", 7))
COPSE_ADMISSION_DAYS = int(os.environ.get("COPSE_ADMISSION_DAYS", 7))
COPSE_INBOUND_MAX_BYTES = int(os.environ.get("COPSE_INBOUND_MAX_BYTES", 10_000_000))
# Limits checked on a message's bytes before Python's email parser reads it
# (`mailing.inbound.screen`), whose time and memory grow much faster than the
# message with some shapes of header (memory with the square of the number of
# RFC 2047 encoded words). Over one, the message is refused unread, for good:
# SMTP 554, `copse mail-inbound` exit status 65. See docs/operations.md.
COPSE_INBOUND_MAX_HEADERS = int(os.environ.get("COPSE_INBOUND_MAX_HEADERS", 500))
COPSE_INBOUND_MAX_HEADER_BYTES = int(os.environ.get("COPSE_INBOUND_MAX_HEADER_BYTES", 100_000))
COPSE_INBOUND_MAX_FIELD_BYTES = int(os.environ.get("COPSE_INBOUND_MAX_FIELD_BYTES", 16_000))
COPSE_INBOUND_MAX_ENCODED_WORDS = int(os.environ.get("COPSE_INBOUND_MAX_ENCODED_WORDS", 1_000))
COPSE_INBOUND_MAX_STRUCTURED_BYTES = int(
    os.environ.get("COPSE_INBOUND_MAX_STRUCTURED_BYTES", 8_000)
)
COPSE_INBOUND_MAX_PARTS = int(os.environ.get("COPSE_INBOUND_MAX_PARTS", 1_000))
COPSE_INBOUND_MAX_NESTED_PARTS = int(os.environ.get("COPSE_INBOUND_MAX_NESTED_PARTS", 10))
COPSE_INBOUND_MAX_LINES = int(os.environ.get("COPSE_INBOUND_MAX_LINES", 250_000))
# A new thread mailed to a members-only or confidential community is posted
# at once only when the receiving mail server's Authentication-Results header
# (the topmost one from one of these authserv-ids) says DMARC passed for the
# From domain; otherwise it waits until the sender follows the link mailed
# back to their own address, for at most COPSE_MAIL_HOLD_DAYS days.
COPSE_MAIL_TRUSTED_AUTHSERV_IDS = env_list("COPSE_MAIL_TRUSTED_AUTHSERV_IDS", "")
COPSE_MAIL_HOLD_DAYS = int(os.environ.get("COPSE_MAIL_HOLD_DAYS", 7))

# --- Uploaded files -----------------------------------------------------------
# Meeting materials live outside any served directory and are only ever sent
# by a view that checks permission (meetings.views.download_material): there is
# deliberately no URL pattern for MEDIA_URL.
MEDIA_ROOT = Path(os.environ.get("COPSE_UPLOAD_DIR", VAR_DIR / "uploads"))
MEDIA_URL = "/no-public-uploads/"
COPSE_UPLOAD_MAX_BYTES = int(os.environ.get("COPSE_UPLOAD_MAX_BYTES", 25_000_000))
# The limit is enforced while a file is received, not after it was kept whole
# (copse.core.uploads); Django's handlers keep what passes it.
FILE_UPLOAD_HANDLERS = [
    "copse.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Exports ------------------------------------------------------------------
# Archives of a community or of a person's own data (copse.exports), made by a
# worker and downloaded through a permission check: never served by URL, kept
# apart from the uploads (a backup does not need copies that expire), and
# removed COPSE_EXPORT_DAYS after they are ready.
COPSE_EXPORT_DIR = Path(os.environ.get("COPSE_EXPORT_DIR", VAR_DIR / "exports"))
COPSE_EXPORT_DAYS = int(os.environ.get("COPSE_EXPORT_DAYS", 7))

# --- Background tasks -------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "COPSE_TASK_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        )
    }
}

# Workers beat a heartbeat this often; a worker silent for the stale limit is
# taken for dead and its running task recovered (requeued when safe to repeat,
# at most MAX_ATTEMPTS runs in all).
COPSE_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("COPSE_WORKER_HEARTBEAT_SECONDS", 5))
COPSE_WORKER_STALE_SECONDS = float(os.environ.get("COPSE_WORKER_STALE_SECONDS", 30))
COPSE_WORKER_MAX_ATTEMPTS = int(os.environ.get("COPSE_WORKER_MAX_ATTEMPTS", 5))

# --- Webhooks ------------------------------------------------------------------
# Copse refuses to send to private, loopback, link-local and other non-public
# addresses unless this is on (receivers on the site's own network); see
# docs/webhooks.md.
COPSE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = env_bool("COPSE_WEBHOOKS_ALLOW_PRIVATE_TARGETS", False)
# The whole of one attempt (connecting, sending, reading the answer's first bytes).
COPSE_WEBHOOKS_TIMEOUT_SECONDS = float(os.environ.get("COPSE_WEBHOOKS_TIMEOUT_SECONDS", 5))
# Certificates trusted for https targets instead of the system's (a PEM file).
COPSE_WEBHOOKS_CA_FILE = os.environ.get("COPSE_WEBHOOKS_CA_FILE", "")
# Finished deliveries stay in each webhook's log this many days.
COPSE_WEBHOOKS_KEEP_DAYS = int(os.environ.get("COPSE_WEBHOOKS_KEEP_DAYS", 30))

# /healthz answers 503 when one of these is passed (see docs/operations.md).
COPSE_HEALTH_MIN_FREE_BYTES = int(os.environ.get("COPSE_HEALTH_MIN_FREE_BYTES", 200_000_000))
COPSE_HEALTH_TASK_DELAY_SECONDS = int(os.environ.get("COPSE_HEALTH_TASK_DELAY_SECONDS", 600))
COPSE_HEALTH_OUTBOX_FAILING_SECONDS = int(
    os.environ.get("COPSE_HEALTH_OUTBOX_FAILING_SECONDS", 6 * 3600)
)

# --- Static files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    # Django's file storage, but a file is written under a hidden name and
    # renamed when complete: a full disk leaves no half-written file.
    "default": {"BACKEND": "copse.core.storage.WholeFileStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Pages follow the person's chosen language (their profile), else their
# browser's; mail follows the recipient's choice (docs/languages.md).
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("fr", "Français")]
# The catalogue of the templates and code outside any app; each app keeps
# its own in <app>/locale/.
LOCALE_PATHS = [BASE_DIR / "copse" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Invitations are single-use; this is how long the signed link stays valid.
INVITATION_MAX_AGE_SECONDS = int(os.environ.get("COPSE_INVITATION_DAYS", 14)) * 86400

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "copse": {"handlers": ["console"], "level": "INFO", "propagate": True},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
