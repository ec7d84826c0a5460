"""Settings shared by every environment. Values come from the environment (see README: Configuration)."""

from __future__ import annotations

from pathlib import Path

from csp.constants import NONE, SELF

from .env import (
    env_bool,
    env_cache,
    env_database,
    env_int,
    env_list,
    env_rate,
    env_reminder_days,
    env_str,
    read_dotenv,
)

BASE_DIR = Path(__file__).resolve().parents[3]
read_dotenv(BASE_DIR / ".env")

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY", default="insecure-development-key-change-me" if DEBUG else None)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "assure.core.apps.AssureAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves the API docs' scripts from our own static files rather than a CDN
    "csp",
    "axes",
    "assure.core",
    "assure.accounts",
    "assure.frameworks",
    "assure.organisations",
    "assure.cycles",
    "assure.audit",
    "assure.evidence",
    "assure.assessments",
    "assure.reports",
    "assure.surveys",
    "assure.partnerships",
    "assure.national",
    "assure.goodpractice",
    "assure.plans",
    "assure.decisions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "assure.core.middleware.SessionIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout raised while signing in into the "try again later" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "assure.config.urls"
WSGI_APPLICATION = "assure.config.wsgi.application"
ASGI_APPLICATION = "assure.config.asgi.application"

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
                "assure.core.context_processors.service",
            ],
            "builtins": ["assure.core.templatetags.nhsuk"],
        },
    }
]
FORM_RENDERER = "assure.core.forms.NHSFormRenderer"

DATA_DIR = BASE_DIR / "var"
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{DATA_DIR / 'assure.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env_int("DB_CONN_MAX_AGE", 0, minimum=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several server processes share the file. Take the write lock when a transaction begins (a transaction that
    # read first and then wrote would otherwise fail with "database is locked" when another process writes),
    # wait for it rather than fail, and let readers carry on while someone writes (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DB_PREPARED_STATEMENTS", default=True
):
    # Each connection has PostgreSQL plan a query once it has run it five times (psycopg's prepare_threshold) and
    # reuses the plan: the parameters are sent apart from the query (server-side binding), so a page's queries
    # are the same text each time. Planning was most of some queries' time (3.8 ms of a development plan's 4.5
    # ms). A connection pooler in transaction mode that cannot keep prepared statements (PgBouncer before 1.21)
    # needs DB_PREPARED_STATEMENTS=false.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses to check a password while the person or address is locked out.
AUTHENTICATION_BACKENDS = [
    "assure.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for a day
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Assure <assure@localhost>")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "sent-emails")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Where the built-in framework files live; every file here is loaded after `migrate`.
FRAMEWORKS_DIR = BASE_DIR / "frameworks"
SERVICE_NAME = "Assure"
# The address people use to reach the service, for links in emails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Evidence uploads: the largest file accepted, in megabytes.
REMINDER_DAYS = env_reminder_days("REMINDER_DAYS", "14,7,1")
EVIDENCE_MAX_UPLOAD_MB = env_int("EVIDENCE_MAX_UPLOAD_MB", 20, minimum=1, maximum=500)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Signed-in sessions end after SESSION_COOKIE_AGE seconds without a request. Activity pushes the expiry forward:
# on every request with SESSION_SAVE_EVERY_REQUEST, otherwise at most every SESSION_REFRESH_SECONDS
# (assure.core.middleware), which saves a database write per page.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60, minimum=60, maximum=14 * 24 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = env_bool("SESSION_SAVE_EVERY_REQUEST", default=False)
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 60, minimum=0, maximum=SESSION_COOKIE_AGE)

# Content Security Policy (django-csp): scripts, styles, fonts and images from our own origin only. No page may
# carry an inline <script>, <style>, style="…" attribute or on…= handler; put them in static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# A cache shared by the processes of a deployment holds the rate-limit counters. Local memory (the default)
# counts per process; set CACHE_URL (or REDIS_URL) to redis://… when serving with several processes or machines.
CACHES = {"default": env_cache("CACHE_URL", "REDIS_URL", "locmem://assure")}

# How many reverse proxies (load balancer, nginx…) stand in front of the service and add X-Forwarded-For. With 0
# the client's address is the connection's; set it to the real number, or people could forge their address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=10)

# Rate limits (assure.core.ratelimit): requests per client in a period, answered with 429 beyond it.
RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", default=True)
RATELIMIT_RATES = {
    # sign-in and password-reset requests, per address
    "login": env_rate("RATELIMIT_LOGIN", "20/m"),
    # API calls, per token (or per address without one)
    "api": env_rate("RATELIMIT_API", "300/m"),
    # public survey links, per address and link
    "survey": env_rate("RATELIMIT_SURVEY", "30/m"),
}

# Optional single sign-on with OpenID Connect (assure.accounts.oidc). Copy the endpoints from the provider's
# /.well-known/openid-configuration. People are matched to existing accounts by email address.
OIDC_ENABLED = env_bool("OIDC_ENABLED", default=False)
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "your organisation’s account")
OIDC_CREATE_USER = env_bool("OIDC_CREATE_USER", default=False)
_oidc_required = None if OIDC_ENABLED else ""
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", _oidc_required)
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", _oidc_required)
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", _oidc_required)
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", _oidc_required)
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", _oidc_required)
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", _oidc_required)
OIDC_OP_ISSUER = env_str("OIDC_OP_ISSUER", "")  # when set, ID tokens from any other issuer are refused
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
AUTHENTICATION_BACKENDS.append("assure.accounts.oidc.EmailOIDCBackend")

# Failed sign-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one email address from one
# address, signing in there is refused for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "assure.accounts.lockout.username_from_request"
AXES_CLIENT_IP_CALLABLE = "assure.accounts.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "assure.accounts.lockout.locked_out"
AXES_VERBOSE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint and fontTools report every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
