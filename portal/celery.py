"""The Celery application.

The broker comes from ``CELERY_BROKER_URL``. When none is set (the embedded
default), settings turn on eager mode and tasks run in-process.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")

# DjangoTask gives every task delay_on_commit: enqueue only once the transaction commits.
app = Celery("portal", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
