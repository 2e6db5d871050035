"""Settings for egov: one module, every environment-dependent value read from the environment.

Production differs from the demo only by environment variables (docs/howto/deploy.md; the
security ones in docs/howto/security-settings.md).
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("EGOV_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database, uploads and mail live here


def env(name: str, default: str = "") -> str:
    """Read a setting, or its content from the file named by NAME_FILE (container secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    value = env(name, "1" if default else "0").lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, got {value!r}")


def env_int(name: str, default: int) -> int:
    value = env(name, str(default))
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from error


# --- Core ---------------------------------------------------------------------------------------
DEBUG = env_bool("EGOV_DEBUG", default=False)
# A demo installation serves its own simulators of the national systems (`make run` turns it on);
# a real one must not: /mo-phong/ is then 404 everywhere.
EGOV_DEMO = env_bool("EGOV_DEMO", default=False)
# Known to everyone who reads this file: it signs nothing that matters. config/wsgi.py refuses to
# serve with it outside DEBUG (docs/howto/security-settings.md).
DEMO_SECRET_KEY = "demo-only-secret-key-change-me-in-production-0123456789"  # noqa: S105


def _demo_secret_key() -> str:
    """A random key kept in var/ for a demo (`make run`), made once and shared by its workers."""
    path = VAR_DIR / "secret-key"
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(secrets.token_urlsafe(50))
    return path.read_text(encoding="utf-8").strip() or DEMO_SECRET_KEY


SECRET_KEY = env("EGOV_SECRET_KEY") or (_demo_secret_key() if EGOV_DEMO else DEMO_SECRET_KEY)


def site_url_from(host: str, port: str) -> str:
    """The address a server bound to host:port is reached at from this machine.

    A wildcard bind (0.0.0.0, ::) is reached at the loopback address; for a public name, a proxy or
    other machines on the network, set EGOV_SITE_URL (docs/architecture.md, "The site address").
    """
    host = host.strip().strip("[]") or "127.0.0.1"
    if host in {"0.0.0.0", "::", "*"}:  # noqa: S104 — a bind address, not one egov listens on
        host = "127.0.0.1"
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return f"http://{host}:{port.strip() or '8000'}"


# The public address egov is reached at: every absolute link (QR codes, e-mails, payment returns),
# the simulators' addresses, the demo TSA and the demo PKI's OCSP/CRL are built from it when they
# are used (never copied at import). `make run HOST=… PORT=…` and scripts/run.sh pass EGOV_HOST
# and EGOV_PORT; EGOV_SITE_URL, when set, wins (a proxy, a public name, https).
SITE_URL = (
    env("EGOV_SITE_URL") or site_url_from(env("EGOV_HOST", "127.0.0.1"), env("EGOV_PORT", "8000"))
).rstrip("/")
_SITE_HOST = urlsplit(SITE_URL).hostname or "127.0.0.1"
ALLOWED_HOSTS = env("EGOV_ALLOWED_HOSTS", f"127.0.0.1,localhost,testserver,{_SITE_HOST}").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in env("EGOV_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves the API docs' Swagger UI from our own static files, no CDN
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks_db",
    "egov.core",
    "egov.integrations",
    "egov.accounts",
    "egov.organization",
    "egov.documents",
    "egov.signatures",
    "egov.procedures",
    "egov.dossiers",
    "egov.feedback",
    "egov.portal",
    "egov.dashboard",
    "egov.api",
    "egov.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "egov.core.middleware.RequestIdMiddleware",
    "egov.core.middleware.MalformedInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

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
                "egov.core.context_processors.deployment",
                "egov.dashboard.navigation.staff_menu",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------------------------
# Embedded SQLite in WAL mode by default; DATABASE_URL=postgres://… switches to PostgreSQL.
DATABASE_URL = env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'egov.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: writers take the lock at BEGIN, so concurrent writers wait instead of failing.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"),
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-egov.sqlite3")}

# --- Authentication -----------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "portal:home"
# Throttled logins (TT 12/2022/TT-BTTTT level-3 systems: limit login attempts), kept by django-axes
# per (login name, client address) and per address, never per account: a stranger cannot lock the
# owner out (egov.accounts.throttle, docs/howto/security-settings.md).
EGOV_LOGIN_MAX_FAILURES = env_int("EGOV_LOGIN_MAX_FAILURES", 5)
EGOV_LOGIN_MAX_FAILURES_PER_IP = env_int("EGOV_LOGIN_MAX_FAILURES_PER_IP", 50)
EGOV_LOGIN_LOCKOUT_MINUTES = env_int("EGOV_LOGIN_LOCKOUT_MINUTES", 15)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked name before any password is checked
    "egov.accounts.backends.LoginNameBackend",
    # Authenticates no one; gives the administrator role its admin permissions.
    "egov.organization.backends.RolePermissionBackend",
]
AXES_HANDLER = "egov.accounts.throttle.LoginThrottleHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = "egov.accounts.throttle.failure_limit"
AXES_COOLOFF_TIME = "egov.accounts.throttle.cool_off"
AXES_USERNAME_CALLABLE = "egov.accounts.throttle.login_key"
AXES_CLIENT_IP_CALLABLE = "egov.core.ratelimit.client_ip"
# Attempts while locked neither count nor extend the lock; a success clears only its own name's
# count (egov.accounts.services.complete_login), never the address's total.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit log already
AXES_SENSITIVE_PARAMETERS = ["username", "password", "code"]
AXES_VERBOSE = False
# The login views render a lockout themselves (the form with its message, HTTP 429), so axes'
# middleware, which would replace the response, is not installed.
SILENCED_SYSTEM_CHECKS = ["axes.W002"]
# Registrations (and code resends) per client address per hour; each sends an SMS.
EGOV_REGISTRATION_LIMIT_PER_HOUR = env_int("EGOV_REGISTRATION_LIMIT_PER_HOUR", 10)
OTP_TOTP_ISSUER = env("EGOV_OTP_ISSUER", "egov Thái Nguyên")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600

# --- HTTPS and browser protections (docs/howto/security-settings.md) ----------------------------
# EGOV_HTTPS=1 where egov is reached over HTTPS: it switches on the redirect, HSTS and secure
# cookies below, each of which can also be set on its own (TT 12/2022/TT-BTTTT: encrypted channel).
EGOV_HTTPS = env_bool("EGOV_HTTPS", default=False)
SECURE_SSL_REDIRECT = env_bool("EGOV_SSL_REDIRECT", default=EGOV_HTTPS)
SECURE_HSTS_SECONDS = env_int("EGOV_HSTS_SECONDS", 365 * 24 * 3600 if EGOV_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("EGOV_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("EGOV_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env_bool("EGOV_SECURE_COOKIES", default=EGOV_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind a proxy that ends TLS: the header it sets, e.g. "X-Forwarded-Proto" (only when the proxy
# always sets or overwrites it; otherwise any client could claim HTTPS).
_PROXY_SSL_HEADER = env("EGOV_PROXY_SSL_HEADER")
if _PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- E-mail -------------------------------------------------------------------------------------
# The demo writes mail to var/mail/ (read it there); production sets an SMTP relay.
EMAIL_BACKEND_PATH = env("EGOV_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
_MAIL_OPTIONS: dict[str, object] = {}
if EMAIL_BACKEND_PATH.endswith("filebased.EmailBackend"):
    _MAIL_OPTIONS = {"file_path": env("EGOV_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))}
elif EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    _MAIL_OPTIONS = {
        "host": env("EGOV_SMTP_HOST", "localhost"),
        "port": env_int("EGOV_SMTP_PORT", 25),
        "username": env("EGOV_SMTP_USER"),
        "password": env("EGOV_SMTP_PASSWORD"),
        "use_tls": env_bool("EGOV_SMTP_TLS", default=False),
        # Without it a mail server that stops answering holds the outbox forever.
        "timeout": env_int("EGOV_SMTP_TIMEOUT", 20),
    }
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": _MAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = env("EGOV_DEFAULT_FROM_EMAIL", "egov <no-reply@egov.localhost>")

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "vi"
# Digit grouping for amounts in Vietnamese (config/formats/vi/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# Stored in UTC, shown in Vietnam's time (DESIGN.md: data rules).
TIME_ZONE = "Asia/Ho_Chi_Minh"

# --- Static and uploaded files ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise expects it even before collectstatic
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- Dossiers -----------------------------------------------------------------------------------
# Public lookups by code per client address per minute (portal page and API together); codes are
# sequential, so an open lookup invites enumeration. The benchmark raises it to measure the read.
EGOV_LOOKUP_LIMIT_PER_MINUTE = env_int("EGOV_LOOKUP_LIMIT_PER_MINUTE", 30)

# The outbox retries a failed notification or portal sync (waits of 30 s doubling to 1 h) for this
# long before giving it up for an administrator to send again: a day-long outage loses nothing.
EGOV_OUTBOX_RETRY_HOURS = env_int("EGOV_OUTBOX_RETRY_HOURS", 48)
# A row the outbox took is taken again after this long if the outbox died while sending it.
EGOV_OUTBOX_CLAIM_SECONDS = env_int("EGOV_OUTBOX_CLAIM_SECONDS", 120)

# --- Documents ----------------------------------------------------------------------------------
EGOV_UPLOAD_MAX_BYTES = env_int("EGOV_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
# Pixels in one scanned image (or one image inside a PDF) beyond which it is treated as a
# decompression bomb: an A4 page at 600 dpi is 35 MP and A3 at 400 dpi 31 MP.
EGOV_UPLOAD_MAX_PIXELS = env_int("EGOV_UPLOAD_MAX_PIXELS", 50_000_000)
# A PDF is refused when its streams decode to more than this in all, or to more than
# EGOV_PDF_MAX_RATIO times its own size (once past 64 MiB): a bomb is stopped after that much work.
EGOV_PDF_MAX_DECODED_BYTES = env_int("EGOV_PDF_MAX_DECODED_BYTES", 1024 * 1024 * 1024)
EGOV_PDF_MAX_RATIO = env_int("EGOV_PDF_MAX_RATIO", 100)
# OCR: pages whose mean word confidence is below this are flagged for a person to check.
EGOV_OCR_MIN_CONFIDENCE = env_int("EGOV_OCR_MIN_CONFIDENCE", 70)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Digital signatures -------------------------------------------------------------------------
# The demo PKI (`manage.py setup_demo_pki`) lives here; production points at real key stores.
EGOV_PKI_DIR = Path(env("EGOV_PKI_DIR", str(VAR_DIR / "pki")))
# Trust anchors for validating signatures: PEM files, comma-separated. A deployment lists the
# national root CA and the government's specialised CA (Ban Cơ yếu Chính phủ) here.
EGOV_TRUST_ROOTS = [p for p in env("EGOV_TRUST_ROOTS", "").split(",") if p]
# RFC 3161 time-stamp service used for PAdES B-T and above; empty: egov's own demo TSA at SITE_URL.
EGOV_TSA_URL = env("EGOV_TSA_URL")
# PIN of the units' seal key stores, with which the system seals the receipts and notices it sends
# electronically (TT 01/2018 Điều 10); the demo PKI's PIN in the demo, none (nothing sealed) else.
EGOV_NOTICE_SEAL_PIN = env("EGOV_NOTICE_SEAL_PIN") or ("123456" if EGOV_DEMO else "")

# --- National systems (adapters in egov.integrations; simulators under /mo-phong/) -----------------
# An empty address means egov's own simulator at SITE_URL (resolved on every call, so it follows
# wherever egov runs); a real installation sets each one.
EGOV_POPULATION_URL = env("EGOV_POPULATION_URL")
EGOV_POPULATION_TOKEN = env("EGOV_POPULATION_TOKEN", "demo-token")
EGOV_SMS_URL = env("EGOV_SMS_URL")
EGOV_SMS_TOKEN = env("EGOV_SMS_TOKEN", "demo-token")
EGOV_SMS_SENDER = env("EGOV_SMS_SENDER", "EGOV")
EGOV_NATIONAL_PORTAL_URL = env("EGOV_NATIONAL_PORTAL_URL")
EGOV_NATIONAL_PORTAL_TOKEN = env("EGOV_NATIONAL_PORTAL_TOKEN", "demo-token")
EGOV_INTEGRATION_TIMEOUT = env_int("EGOV_INTEGRATION_TIMEOUT", 5)
# OpenID Connect provider for citizens' login (VNeID; the simulator stands in for it in the demo).
EGOV_OIDC_ISSUER = env("EGOV_OIDC_ISSUER")
EGOV_OIDC_CLIENT_ID = env("EGOV_OIDC_CLIENT_ID", "egov-demo")
EGOV_OIDC_CLIENT_SECRET = env("EGOV_OIDC_CLIENT_SECRET", "demo-secret")
# Payment gateway (modelled on Vietnamese gateways; the simulator signs with the same secret).
EGOV_PAYMENT_URL = env("EGOV_PAYMENT_URL")
EGOV_PAYMENT_MERCHANT = env("EGOV_PAYMENT_MERCHANT", "EGOVDEMO")
EGOV_PAYMENT_SECRET = env("EGOV_PAYMENT_SECRET", "demo-payment-secret")

# --- Content-Security-Policy (django-csp) ----------------------------------------------------------
# Scripts and styles only from egov's own static files: no inline <script>, no on…= handlers, no
# style="…" (put behaviour in static/egov/*.js, looks in egov.css). Forms may also post to (or be
# redirected to) the payment gateway and the OpenID provider, which live elsewhere in production.
_FORM_TARGETS = sorted(
    {
        f"{parts.scheme}://{parts.netloc}"
        # The site's own address too: a browser may reach egov by another name (localhost).
        for parts in (urlsplit(SITE_URL), urlsplit(EGOV_PAYMENT_URL), urlsplit(EGOV_OIDC_ISSUER))
        if parts.scheme in {"http", "https"} and parts.netloc
    }
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # data: for images generated in the page (QR codes); blob: for previews of chosen files.
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", *_FORM_TARGETS],
    }
}

# --- Background tasks ---------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": env("EGOV_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}
# A task worker silent for this long is taken for dead and its tasks are queued again (egov.core.workers).
EGOV_WORKER_LEASE_SECONDS = env_int("EGOV_WORKER_LEASE_SECONDS", 30)

# --- Audit log (egov.core.audit) ----------------------------------------------------------------
# Independent hash chains, each with its own head row: appends in different chains never wait on
# one another. Changing the number later is safe (existing chains stay as they are and verify).
EGOV_AUDIT_CHAINS = env_int("EGOV_AUDIT_CHAINS", 16)
# Checkpoints of every chain's head, time-stamped by the TSA (egov.core.audit_anchors), are
# appended here, outside the database. Production mounts write-once or remote storage here (S3
# Object Lock, a WORM share, another host) that the database administrator cannot rewrite.
EGOV_AUDIT_ANCHOR_DIR = Path(env("EGOV_AUDIT_ANCHOR_DIR", str(VAR_DIR / "audit-anchors")))
# The task worker writes a checkpoint this often when the log has grown (0: only by command).
EGOV_AUDIT_CHECKPOINT_SECONDS = env_int("EGOV_AUDIT_CHECKPOINT_SECONDS", 600)

# --- Deployment identity ------------------------------------------------------------------------
EGOV_DEPLOYMENT_NAME = env("EGOV_DEPLOYMENT_NAME", "Tỉnh Thái Nguyên")
# Working-day calendar: country whose public holidays seed it (Bộ luật Lao động 2019 Điều 112).
EGOV_HOLIDAY_COUNTRY = env("EGOV_HOLIDAY_COUNTRY", "VN")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("EGOV_LOG_LEVEL", "WARNING")},
}
