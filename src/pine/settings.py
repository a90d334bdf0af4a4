"""PINE settings: read from the environment only, through one typed reader (`pine.core.config`).

Development defaults apply only when PINE_ENV=development (or test); in production every secret must be given.
"""

from __future__ import annotations

from pathlib import Path

from pine.core.config import Config

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
config = Config.from_environ(project_dir=PROJECT_DIR)

PINE_ENV = config.env
PINE_VAR_DIR = config.var_dir
SECRET_KEY = config.secret_key
DEBUG = config.debug
ALLOWED_HOSTS = config.allowed_hosts
CSRF_TRUSTED_ORIGINS = config.csrf_trusted_origins

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "pine.core",
    "pine.accounts",
    "pine.programme",
    "pine.journey",
    "pine.modelling",
    "pine.intake",
    "pine.collection",
    "pine.guidance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "pine.core.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pine.core.middleware.RequestContextMiddleware",
    "pine.accounts.middleware.RequireTwoFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pine.urls"
WSGI_APPLICATION = "pine.wsgi.application"

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
                "pine.core.context_processors.service",
            ],
        },
    }
]
FORM_RENDERER = "pine.core.forms.GovukFormRenderer"

DATABASES = {"default": config.database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "intake:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# Repeated failed sign-ins lock one account from one address (so an attacker cannot lock the real person out
# from elsewhere, and one person's mistakes behind a shared balancer lock nobody else). A second, higher limit
# per account from any address (pine.accounts.lockout) stops guessing spread over many addresses. Both count
# the email address case-folded; the client address comes from the one trusted reader
# (pine.core.middleware.client_ip) that the audit log and every rate limit use too.
AXES_FAILURE_LIMIT = config.axes_failure_limit
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "pine.accounts.lockout.username_of"
AXES_CLIENT_IP_CALLABLE = "pine.core.middleware.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
SIGN_IN_ACCOUNT_FAILURE_LIMIT = 4 * config.axes_failure_limit  # from any address, per half hour
SIGN_IN_ADDRESS_FAILURE_LIMIT = 10 * config.axes_failure_limit  # for any account, per half hour
PINE_BEHIND_PROXY = config.behind_proxy
PINE_TRUSTED_PROXIES = config.trusted_proxies
API_REQUESTS_PER_MINUTE = 120  # per API key

OTP_TOTP_ISSUER = "PINE"

SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = config.secure_cookies
CSRF_COOKIE_SECURE = config.secure_cookies
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "pine.core.views.csrf_failure"
SECURE_SSL_REDIRECT = config.ssl_redirect
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers check health over plain HTTP
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if config.behind_proxy else None
SECURE_HSTS_SECONDS = config.hsts_seconds
SECURE_HSTS_INCLUDE_SUBDOMAINS = config.hsts_seconds > 0
SECURE_HSTS_PRELOAD = config.hsts_seconds > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

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

FIELD_ENCRYPTION_KEYS = config.field_encryption_keys
FIELD_HASH_KEY = config.field_hash_key

EMAIL_BACKEND = config.email["EMAIL_BACKEND"]
EMAIL_HOST = config.email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = config.email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = config.email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = config.email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = config.email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = config.email.get("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = config.email.get("EMAIL_FILE_PATH")
DEFAULT_FROM_EMAIL = config.default_from_email
CONTACT_EMAIL = config.contact_email
SERVICE_BASE_URL = config.base_url
PINE_STUCK_AFTER_WEEKS = config.stuck_after_weeks
PINE_UPLOAD_MAX_BYTES = config.upload_max_mb * 1024 * 1024  # imported spreadsheets

STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": config.media_root},
    },
    "staticfiles": {"BACKEND": config.staticfiles_backend},
}
STATIC_URL = "/static/"
STATIC_ROOT = config.static_root
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = config.debug

TASKS = {"default": {"BACKEND": config.tasks_backend}}
# How long finished background tasks are kept (`pine prune-tasks`), and declined or withdrawn proposals
# (`pine prune-proposals`); see docs/data-protection.md.
PINE_TASK_RESULT_RETENTION_DAYS = 7
PINE_PROPOSAL_RETENTION_DAYS = 365

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"client_errors_without_traceback": {"()": "pine.core.logs.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": config.log_level},
    "loggers": {
        # Django's own console handler would write each of its records a second time (they also reach root's).
        "django": {"level": "INFO"},
        # A refused request (403, 400) is one line, not a traceback.
        "django.request": {"filters": ["client_errors_without_traceback"]},
        # WeasyPrint logs each step of every PDF at INFO, and fontTools each font it subsets.
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
