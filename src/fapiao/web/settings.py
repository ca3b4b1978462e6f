"""Django settings, all read from ``fapiao.config`` (environment variables with safe defaults)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

from fapiao import config

DATA_DIR = config.data_dir()
BASE_DIR = Path(__file__).resolve().parent


def _secret_key() -> str:
    value = config.get("FAPIAO_SECRET_KEY")
    if value:
        return value
    path = DATA_DIR / "secret.key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = config.bool_setting("FAPIAO_DEBUG")
ALLOWED_HOSTS = (config.get("FAPIAO_ALLOWED_HOSTS") or "127.0.0.1,localhost").split(",")

HTTPS = config.bool_setting("FAPIAO_HTTPS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "fapiao.web.shell",
    "fapiao.web.accounts",
    "fapiao.web.feedback",
    "fapiao.web.companies",
    "fapiao.web.events",
    "fapiao.web.keys",
    "fapiao.web.invoices",
    "fapiao.web.intake",
    "fapiao.web.search",
    "fapiao.web.claims",
    "fapiao.web.api",
    "fapiao.web.reconciliation",
    "fapiao.web.reports",
    "fapiao.web.ops",
    "fapiao.web.alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "fapiao.web.shell.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "fapiao.web.shell.middleware.CurrentCompanyMiddleware",
    "fapiao.web.shell.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "fapiao.web.accounts.sessions.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "fapiao.web.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fapiao.web.shell.context_processors.shell",
            ]
        },
    }
]
WSGI_APPLICATION = "fapiao.web.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        config.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'fapiao.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = config.get("FAPIAO_TIME_ZONE") or "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "files"
# Django stops reading a request past this many files (the upload page then says so clearly).
DATA_UPLOAD_MAX_NUMBER_FILES = config.int_setting("FAPIAO_MAX_UPLOAD_FILES", 100)

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "shell:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Background tasks (django-tasks): the database queue, worked by `fapiao worker`.
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS.get(
            config.get("FAPIAO_TASKS_BACKEND") or "database",
            config.get("FAPIAO_TASKS_BACKEND") or "",
        )
    }
}

# E-mail: printed to the console unless configured.
_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
_email = config.get("FAPIAO_EMAIL_BACKEND") or "console"
EMAIL_BACKEND = _EMAIL_BACKENDS.get(_email, _email)
DEFAULT_FROM_EMAIL = config.get("FAPIAO_EMAIL_FROM") or "fapiao@localhost"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Two-factor authentication (django-otp) and lock-out after failed logins (django-axes).
OTP_TOTP_ISSUER = "fapiao 发票"
FAPIAO_REQUIRE_2FA_ROLES = tuple(
    role.strip()
    for role in (config.get("FAPIAO_REQUIRE_2FA_ROLES") or "admin,reviewer").split(",")
    if role.strip()
)
AXES_FAILURE_LIMIT = config.int_setting("FAPIAO_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=config.int_setting("FAPIAO_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Hardening.  The Content-Security-Policy header is set by fapiao.web.shell.middleware.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie: the token is sent via hx-headers on <body>
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
