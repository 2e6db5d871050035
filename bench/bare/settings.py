"""Settings of the baseline app: what any Django app needs and nothing more (no sessions, no auth)."""

import os

import dj_database_url

SECRET_KEY = "bench-only"  # noqa: S105 - a throwaway key for a local benchmark
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["bare"]
MIDDLEWARE = ["django.middleware.security.SecurityMiddleware", "django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "bare.urls"
# Same connection policy as egov (config/settings.py): persistent connections for 60 s.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/egov_bare"), conn_max_age=60
    )
}
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
