"""Settings for the test suite: the local settings with fast hashing and mail kept in memory."""

import tempfile
from pathlib import Path

from .local import *  # noqa: F403
from .local import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tasks run in-process in tests; tests marked ``worker`` switch a real worker on.
CELERY_TASK_ALWAYS_EAGER = True
# The broker worker tests use (the Celery app's connection pool is made once per process).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/9")
# Uploaded files go to a scratch folder, never into the working tree.
MEDIA_ROOT = Path(tempfile.gettempdir()) / "portal-test-media"
# Each test builds its own figures: dashboards compute them afresh (tests that check the
# cache switch it on).
DASHBOARD_CACHE_SECONDS = 0
# Metrics: nobody, whatever the environment says (tests/ops/ grant access where they test it).
PORTAL_METRICS_TOKEN = ""
PORTAL_METRICS_NETWORKS = []
# Throttle counters in memory (the Redis-backed throttle is tested under the "redis" marker).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "throttle",
    },
}
# Tests that count requests set their own rate.
PORTAL_TOKEN_RATE = "100000/minute"  # noqa: S105 (a rate, not a secret)

# Webhooks: deliveries never leave this machine, whatever a test's subscription says, and
# may reach it (https only: tests/webhooks/ run a receiver on 127.0.0.1 and allow http for
# it; tests/webhooks/test_safety.py judges addresses as production does).
WEBHOOK_ONLY_NETWORKS = ["127.0.0.0/8", "::1/128"]
WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8", "::1/128"]
WEBHOOK_ALLOW_HTTP = False
WEBHOOK_TIMEOUT_SECONDS = 2.0
