"""The Celery application.

The broker comes from ``CELERY_BROKER_URL``. When none is set (the embedded
default), settings turn on eager mode and tasks run in-process.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
