"""The cost-recovery app's answers to what lower apps announce."""

from django.dispatch import receiver

from core.tasks import send_on_commit
from records.signals import records_changed

from .tasks import send_volume_notices


@receiver(records_changed, dispatch_uid="cost_recovery.records_changed")
def records_changed_check_volumes(sender, **kwargs) -> None:
    """Records changed: tell the parties of an SLA whose client now runs over its expected
    volume (a task, after the change commits; the daily run catches up if the broker is
    away). Says nothing to the import command."""
    send_on_commit(send_volume_notices)
