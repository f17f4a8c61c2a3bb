"""Tasks every app shares, and the one way to send a task after a change commits."""

import logging

from celery import shared_task
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnavailable

logger = logging.getLogger(__name__)


@shared_task(name="core.ping")
def ping(value: str = "pong") -> str:
    """Answer ``value``: lets tests and operators check that a worker consumes the queue."""
    return value


def send_on_commit(task, *args, if_unreachable=None) -> dict:
    """Send ``task(*args)`` once the current transaction commits (now, outside one). A
    broker that cannot be reached is logged and handed to ``if_unreachable()`` instead of
    failing the request that caused the task. Returns ``{"sent": bool}``, settled at once
    outside a transaction (the pages and the API run outside one)."""
    outcome = {"sent": True}

    def send() -> None:
        try:
            task.delay(*args)
        except BrokerUnavailable as exc:
            logger.warning("%s%r not sent, the broker is unreachable: %s", task.name, args, exc)
            outcome["sent"] = False
            if if_unreachable is not None:
                if_unreachable()

    transaction.on_commit(send)
    return outcome
