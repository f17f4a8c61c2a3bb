"""Background work on SLAs: their daily life cycle."""

from celery import shared_task

from .services import slas_update_lifecycle


@shared_task(name="sla.update_lifecycle")
def update_sla_lifecycle() -> dict:
    """Daily (beat): activate, expire, and give notice of SLAs expiring within 30 days."""
    return slas_update_lifecycle()
