"""Haven settings: one file, values from the environment (healthchecks-style helpers).

`HAVEN_ENV` selects the profile: `development` (default) or `production`. The production
profile refuses unsafe values instead of silently running with them.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.environ.get(name, default).lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.environ.get(name, default))


DEV_SECRET_KEY = "haven-development-secret-not-for-production"

HAVEN_ENV = os.environ.get("HAVEN_ENV", "development")
SECRET_KEY = os.environ.get("HAVEN_SECRET_KEY", DEV_SECRET_KEY)
DEBUG = envbool("HAVEN_DEBUG", "true" if HAVEN_ENV == "development" else "false")
ALLOWED_HOSTS = [h for h in os.environ.get("HAVEN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

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
    "haven.core",
    "haven.accounts",
    "haven.organisations",
    "haven.pupils",
    "haven.audit",
    "haven.meldcode",
    "haven.guidance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "haven.access.middleware.ActorMiddleware",
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
# HAVEN_DATABASE_URL selects the database (postgres://user:pass@host:5432/name in production);
# without it, the embedded SQLite file under var/ is used.
if database_url := os.environ.get("HAVEN_DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(database_url, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "haven.sqlite3",
            # IMMEDIATE: a writing transaction takes the write lock at its start, so concurrent
            # writers queue instead of failing halfway (and the audit chain stays linear).
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["haven.accounts.backends.HavenBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
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

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
X_FRAME_OPTIONS = "DENY"

# Demo accounts exist only for development; production refuses to start with them (see checks).
HAVEN_DEMO_PASSWORD = "haven-demo-2026"

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HAVEN_LOG_LEVEL", "INFO")},
}
