"""The Celery application.

The broker comes from ``CELERY_BROKER_URL``. When none is set (the embedded
default), settings turn on eager mode and tasks run in-process.

There is no default settings module: a worker or beat started without
``DJANGO_SETTINGS_MODULE`` refuses to start, rather than running on a developer's
settings (SQLite, tasks in-process) where production was meant.
"""

import os

from celery import Celery
from django.core.exceptions import ImproperlyConfigured

from ops.heartbeats import WorkerHeartbeat

MISSING_SETTINGS = (
    "DJANGO_SETTINGS_MODULE is not set: name the settings of this worker or beat "
    "(portal.settings.production in production, portal.settings.local on a developer's "
    "machine)."
)


class PortalCelery(Celery):
    def on_configure(self) -> None:
        """Refuse to read a configuration when no settings module is named (it is read
        when a worker or beat starts, or when a process sends its first task)."""
        if not os.environ.get("DJANGO_SETTINGS_MODULE"):
            raise ImproperlyConfigured(MISSING_SETTINGS)


# DjangoTask gives every task delay_on_commit: enqueue only once the transaction commits.
app = PortalCelery("portal", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each worker records in Redis that it consumes its queues (the readiness probe reads it).
app.steps["consumer"].add(WorkerHeartbeat)
