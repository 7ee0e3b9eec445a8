"""Haven settings: one file, values from the environment (healthchecks-style helpers).

`HAVEN_ENV` selects the profile: `development` (default) or `production`. The production
profile refuses unsafe values instead of silently running with them.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off", "")


def envbool(name: str, default: str) -> bool:
    # A typo such as HAVEN_SECURE_COOKIES=ture must stop the start, not silently mean "off".
    value = os.environ.get(name, default).strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value; use one of {', '.join(w for w in TRUE_WORDS + FALSE_WORDS if w)}."
    )


def envint(name: str, default: str) -> int:
    return int(os.environ.get(name, default))


DEV_SECRET_KEY = "haven-development-secret-not-for-production"

HAVEN_ENV = os.environ.get("HAVEN_ENV", "development")
SECRET_KEY = os.environ.get("HAVEN_SECRET_KEY", DEV_SECRET_KEY)
DEBUG = envbool("HAVEN_DEBUG", "true" if HAVEN_ENV == "development" else "false")
# Prepared queries (haven/infrastructure/prepared.py) checked against the ORM at every execution: in
# development and in tests (pytest-django turns DEBUG off while testing), never in production.
HAVEN_CHECK_PREPARED_QUERIES = DEBUG or "pytest" in sys.modules
ALLOWED_HOSTS = [h for h in os.environ.get("HAVEN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
# Behind a reverse proxy (docs/operations.md): its addresses or networks, comma-separated, so that
# the client's address is read from X-Forwarded-For (haven/infrastructure/proxy.py). Empty: REMOTE_ADDR as is.
HAVEN_TRUSTED_PROXIES = [p for p in os.environ.get("HAVEN_TRUSTED_PROXIES", "").split(",") if p.strip()]
# Only when the proxy does not pass the Host header on: the public origin(s), e.g. https://haven.example.nl
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("HAVEN_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

if HAVEN_ENV == "production":
    if DEBUG:
        raise ImproperlyConfigured("HAVEN_DEBUG must be off in production.")
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured("Set HAVEN_SECRET_KEY to a long random value in production.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Set HAVEN_ALLOWED_HOSTS in production.")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "formtools",
    "two_factor",
    "axes",
    "csp",
    "haven.infrastructure",
    "haven.home",
    "haven.tools",
    "haven.access",
    "haven.accounts",
    "haven.organisations",
    "haven.pupils",
    "haven.audit",
    "haven.meldcode",
    "haven.guidance",
    "haven.followup",
    "haven.signalling",  # migrations only: its models moved (see haven/signalling/__init__.py)
    "haven.external_signals",
    "haven.documents",
    "haven.handover",
    "haven.tasks",
    "haven.insights",
    "haven.disclosure",
    "rest_framework",
    "drf_spectacular",
    "haven.api",
]

MIDDLEWARE = [
    # First: everything after it (the audit log, the sign-in lock-out) sees the client's address.
    "haven.infrastructure.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files straight after the HTTPS redirect: no session, no database (docs/operations.md).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "haven.accounts.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "haven.access.middleware.ActorMiddleware",
    "haven.accounts.middleware.TwoFactorRequiredMiddleware",
    "haven.infrastructure.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so it sees every failed sign-in and answers lock-outs itself.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "haven.urls"
WSGI_APPLICATION = "haven.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "haven" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "haven.access.context_processors.navigation",
            ],
        },
    },
]

VAR_DIR = Path(os.environ.get("HAVEN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
# What SQLite deletes or overwrites it overwrites with zeros, so a value re-encrypted (by the
# migrations or a key rotation) or a destroyed dossier leaves no readable copy in the file's free space.
SQLITE_INIT = "PRAGMA secure_delete = ON"
# HAVEN_DATABASE_URL selects the database (postgres://user:pass@host:5432/name in production);
# without it, the embedded SQLite file under var/ is used.
if database_url := os.environ.get("HAVEN_DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(database_url, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        # A SQLite file named by URL (backups, benchmarks) queues writers like the default one.
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": SQLITE_INIT}
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "haven.sqlite3"),
            # IMMEDIATE: a writing transaction takes the write lock at its start, so concurrent
            # writers queue instead of failing halfway (and the audit chain stays linear).
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": SQLITE_INIT},
        }
    }
# HAVEN_REPLICA_DATABASE_URL (optional): a PostgreSQL streaming replica of the PostgreSQL primary;
# the insights read their rollups there (haven/insights/routers.py, docs/operations.md). A physical
# replica serves the primary's databases under their own names, so the alias always uses the
# primary's: a process pointed at another database of the cluster (a benchmark, a restore) then
# reads that database's copy, never a stranger. Anything else (not PostgreSQL on both sides, a URL
# naming another database) is refused by `manage.py check --deploy` (haven/accounts/checks.py);
# without a PostgreSQL primary there is nothing to replicate and no alias.
HAVEN_REPLICA_DATABASE_URL = os.environ.get("HAVEN_REPLICA_DATABASE_URL", "").strip()
if HAVEN_REPLICA_DATABASE_URL and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    replica = dj_database_url.parse(HAVEN_REPLICA_DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    if replica["ENGINE"] == "django.db.backends.postgresql":
        replica["NAME"] = DATABASES["default"]["NAME"]
        # Read-only even should the URL reach a writable server (a promoted standby, a wrong host).
        options = replica.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c default_transaction_read_only=on".strip()
        # Tests: the test database's name on the replica's server (replication creates it there).
        replica["TEST"] = {"MIRROR": "default"}
        DATABASES["replica"] = replica
DATABASE_ROUTERS = ["haven.insights.routers.InsightsReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses locked-out accounts and addresses before passwords are checked.
    "axes.backends.AxesStandaloneBackend",
    "haven.accounts.backends.HavenBackend",
    # Sign-in with the school's account (OpenID Connect, docs/sso.md): finds the user of such a session.
    "haven.accounts.sso.SchoolAccountBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "haven.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Two-factor sign-in (django-otp with django-two-factor-auth): required for these roles.
HAVEN_TWO_FACTOR_ROLES = ["care_coordinator", "safeguarding_lead", "school_leader", "functional_admin"]
TWO_FACTOR_PATCH_ADMIN = False
OTP_TOTP_ISSUER = "Haven"

# Brute-force protection (django-axes plus haven/accounts/lockout.py): repeated failures lock a
# username on the address they came from, never everywhere; an address that fails for many
# usernames must wait (at most HAVEN_LOCKOUT_ADDRESS_MAX_WAIT seconds) before each next attempt.
AXES_FAILURE_LIMIT = envint("HAVEN_LOCKOUT_FAILURES", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("HAVEN_LOCKOUT_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "haven.accounts.lockout.LockoutHandler"
HAVEN_LOCKOUT_ADDRESS_MAX_WAIT = envint("HAVEN_LOCKOUT_ADDRESS_MAX_WAIT", "60")
# A refused attempt is not counted: otherwise the right password typed while waiting would prolong the wait.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# No failure log: its rows would outlive the lock-out and only repeat the audit log's account.sign_in_failed.
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_CALLABLE = "haven.accounts.backends.lockout_username"
AXES_VERBOSE = False
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "haven" / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing one before collectstatic has run
# Production serves the files `collectstatic` gathered, with content hashes in their names (cached
# for good) and pre-compressed (whitenoise). Elsewhere the plain storage: no collectstatic needed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if HAVEN_ENV == "production"
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Sessions end after HAVEN_SESSION_IDLE_MINUTES without a request, and after
# HAVEN_SESSION_HOURS whatever happens (the cookie's absolute lifetime).
HAVEN_SESSION_IDLE_MINUTES = envint("HAVEN_SESSION_IDLE_MINUTES", "30")
SESSION_COOKIE_AGE = envint("HAVEN_SESSION_HOURS", "10") * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Flash messages name pupils; a cookie would carry them signed but readable, the session keeps them on the server.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# The language switch in the header (Dutch, or English); without the cookie the browser's language counts.
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if HAVEN_ENV == "production":
    # TLS ends at the reverse proxy, which must set X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("HAVEN_SSL_REDIRECT", "true")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# A strict Content-Security-Policy: no inline script or style anywhere (django-csp).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# Demo accounts exist only for development; production refuses to start with them (see checks).
# A typed date of something that happened longer ago than this is taken only when the user confirms
# it (haven.pupils.dates): most such dates are typing errors.
HAVEN_DATE_CONFIRM_AFTER_DAYS = envint("HAVEN_DATE_CONFIRM_AFTER_DAYS", "730")

HAVEN_DEMO_PASSWORD = "haven-demo-2026"

# Encryption at rest of narrative text (haven/infrastructure/encryption.py): comma-separated
# "keyid:base64url(32 random bytes)"; the first key encrypts, the others only decrypt (rotating:
# `manage.py rotate_encryption_key --help`). The "dev" key is published: development only.
DEV_ENCRYPTION_KEY = "aGF2ZW4tZGV2ZWxvcG1lbnQta2V5LW5vdC1zZWNyZXQ"
HAVEN_ENCRYPTION_KEYS = os.environ.get("HAVEN_ENCRYPTION_KEYS", f"dev:{DEV_ENCRYPTION_KEY}")
if HAVEN_ENV == "production" and (
    not os.environ.get("HAVEN_ENCRYPTION_KEYS", "").strip()
    or any(
        entry.split(":")[0].strip() == "dev" or entry.split(":")[-1].strip().rstrip("=") == DEV_ENCRYPTION_KEY
        for entry in HAVEN_ENCRYPTION_KEYS.split(",")
    )
):
    raise ImproperlyConfigured("Set HAVEN_ENCRYPTION_KEYS to your own keys in production, not the development key.")

# Handover packages are signed (haven/handover/signing.py, docs/handover-package.md): this
# installation's Ed25519 key, base64url(32 random bytes); the development key is published.
DEV_SIGNING_KEY = "aGF2ZW4tZGV2ZWxvcG1lbnQtc2lnbmluZy1rZXkhISE"
HAVEN_SIGNING_KEY = os.environ.get("HAVEN_SIGNING_KEY", DEV_SIGNING_KEY)
if HAVEN_ENV == "production" and HAVEN_SIGNING_KEY.strip().rstrip("=") in ("", DEV_SIGNING_KEY):
    raise ImproperlyConfigured("Set HAVEN_SIGNING_KEY to your own key in production, not the development key.")
# The other installations whose packages this one accepts: "name:public key:BRIN+BRIN,...".
HAVEN_TRUSTED_INSTALLATIONS = os.environ.get("HAVEN_TRUSTED_INSTALLATIONS", "")

# The audit chain's HMAC keys (haven/audit/keys.py): comma-separated "keyid:base64url(32+ random
# bytes)"; the first hashes new events, the others only verify older ones (keep every key that
# hashed events as long as the log is kept). Not in the database. The "dev" key is published.
DEV_AUDIT_KEY = "aGF2ZW4tZGV2ZWxvcG1lbnQtYXVkaXQta2V5LW5vdC1hLXNlY3JldA"
HAVEN_AUDIT_KEYS = os.environ.get("HAVEN_AUDIT_KEYS", f"dev:{DEV_AUDIT_KEY}")
if HAVEN_ENV == "production" and (
    not os.environ.get("HAVEN_AUDIT_KEYS", "").strip()
    or any(
        entry.split(":")[0].strip() == "dev" or entry.split(":")[-1].strip().rstrip("=") == DEV_AUDIT_KEY
        for entry in HAVEN_AUDIT_KEYS.split(",")
    )
):
    raise ImproperlyConfigured("Set HAVEN_AUDIT_KEYS to your own keys in production, not the development key.")
# Where `manage.py anchor_audit` appends the chain head (and `verify_audit --anchors` reads it by
# default): a file on other storage than the database, append-only for Haven. Empty: pass --file.
HAVEN_AUDIT_ANCHOR_FILE = os.environ.get("HAVEN_AUDIT_ANCHOR_FILE", "")
# An audit action that no app declares (haven/audit/actions.py) raises instead of being written
# without a label: in development, and in the tests (tests/conftest.py turns it on).
HAVEN_STRICT_AUDIT_ACTIONS = DEBUG

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# E-mail (the reminders of haven/tasks/reminders.py): printed to the console in development; sent by
# SMTP when HAVEN_EMAIL_HOST is set (production; see docs/operations.md).
if os.environ.get("HAVEN_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["HAVEN_EMAIL_HOST"]
    EMAIL_PORT = envint("HAVEN_EMAIL_PORT", "587")
    EMAIL_HOST_USER = os.environ.get("HAVEN_EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("HAVEN_EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = envbool("HAVEN_EMAIL_USE_TLS", "true")
    EMAIL_TIMEOUT = envint("HAVEN_EMAIL_TIMEOUT", "30")
DEFAULT_FROM_EMAIL = os.environ.get("HAVEN_DEFAULT_FROM_EMAIL", "Haven <haven@localhost>")
# Where people open Haven: links in e-mails are absolute (no request to take the host from).
HAVEN_BASE_URL = os.environ.get("HAVEN_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# How long an invitation or password-reset link stays valid (haven/accounts/invitations.py).
HAVEN_ACCOUNT_LINK_HOURS = envint("HAVEN_ACCOUNT_LINK_HOURS", "72")
# The monitoring shows Haven's own counts from this number up; 1 to one less shows as "< 5"
# (haven/insights/suppression.py). Below 2 nothing would be hidden.
HAVEN_INSIGHTS_THRESHOLD = envint("HAVEN_INSIGHTS_THRESHOLD", "5")
if HAVEN_INSIGHTS_THRESHOLD < 2:
    raise ImproperlyConfigured("HAVEN_INSIGHTS_THRESHOLD must be at least 2.")
# How long a built monitoring page is kept (haven/insights/cache.py); 0 builds it on every view.
HAVEN_INSIGHTS_CACHE_SECONDS = envint("HAVEN_INSIGHTS_CACHE_SECONDS", "3600")
# The API (haven/api, docs/api.md): calls per key per minute before it answers 429 with Retry-After.
HAVEN_API_RATE_LIMIT = envint("HAVEN_API_RATE_LIMIT", "60")
REST_FRAMEWORK = {
    # Deny by default: every endpoint is a haven.api.views.KeyView with its scope.
    "DEFAULT_AUTHENTICATION_CLASSES": ["haven.api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["haven.api.authentication.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["haven.api.authentication.KeyRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "haven.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Haven API",
    "DESCRIPTION": (
        "Handle with Care intake, the pupil sync and the monitoring's aggregates. "
        "Send the key as Authorization: Bearer (key). See docs/api.md."
    ),
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "APPEND_COMPONENTS": {"securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}}},
    "SECURITY": [{"apiKey": []}],
    "AUTHENTICATION_WHITELIST": [],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HAVEN_LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every PDF it makes; only its warnings are worth keeping.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}
