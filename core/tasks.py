"""Tasks every app shares."""

from celery import shared_task


@shared_task(name="core.ping")
def ping(value: str = "pong") -> str:
    """Answer ``value``: lets tests and operators check that a worker consumes the queue."""
    return value
