"""Background work of cost recovery: the volume notices (idempotent: a line is noticed
once, whatever the number of runs)."""

from celery import shared_task

from .services import volume_notices_send


@shared_task(name="cost_recovery.send_volume_notices")
def send_volume_notices() -> int:
    """After records changed, and daily (beat): notice the clients running over their
    SLAs' expected volumes. Returns how many SLA lines were noticed."""
    return volume_notices_send()
