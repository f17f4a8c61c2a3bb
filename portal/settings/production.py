"""Production settings: secrets, hosts, the database and the broker come from the
environment, with no defaults.

Production fails closed: without ``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS``, a
PostgreSQL ``DATABASE_URL`` and a Redis ``CELERY_BROKER_URL`` the process stops at start-up
with one message naming everything missing, instead of running with a weak key, on SQLite,
or with tasks in-process (the embedded default of a developer's machine).
"""

from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, LOGGING, env


def _refusals() -> list[str]:
    """What is missing or wrong in the environment, one reason per variable."""
    reasons = []
    if not env("DJANGO_SECRET_KEY", default=""):
        reasons.append("DJANGO_SECRET_KEY is not set")
    if not env.list("DJANGO_ALLOWED_HOSTS", default=[]):
        reasons.append("DJANGO_ALLOWED_HOSTS is not set")
    database_url = env("DATABASE_URL", default="")
    if not database_url:
        reasons.append("DATABASE_URL is not set (postgres://user:password@host:5432/name)")
    elif urlparse(database_url).scheme not in ("postgres", "postgresql", "pgsql"):
        reasons.append("DATABASE_URL must be a PostgreSQL URL (postgres://...)")
    broker_url = env("CELERY_BROKER_URL", default="")
    if not broker_url:
        reasons.append("CELERY_BROKER_URL is not set (redis://host:6379/0)")
    elif urlparse(broker_url).scheme not in ("redis", "rediss"):
        reasons.append("CELERY_BROKER_URL must be a Redis URL (redis:// or rediss://)")
    return reasons


if _refusals():
    raise ImproperlyConfigured(
        "Production settings refuse to start: " + "; ".join(_refusals()) + ". See .env.example."
    )

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
# Tasks always go through the broker, to the workers.
CELERY_TASK_ALWAYS_EAGER = False
# A database that does not answer within this many seconds counts as down (the readiness
# probe says so quickly, and a request fails instead of hanging).
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
    "DJANGO_DB_CONNECT_TIMEOUT", default=5
)

CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")

# Logs: one JSON object a line (ops/logs.py), with an access line per request and a line
# per task run by the workers.
LOGGING["handlers"]["console"]["formatter"] = env("PORTAL_LOG_FORMAT", default="json")
LOGGING["loggers"]["portal.access"]["level"] = env("PORTAL_ACCESS_LOG_LEVEL", default="INFO")
LOGGING["loggers"]["celery.app.trace"]["level"] = env("CELERY_TRACE_LOG_LEVEL", default="INFO")
