"""The compliance app's answers to what lower apps announce."""

from django.dispatch import receiver

from records.signals import records_changed

from .tasks import compliance_catch_up


@receiver(records_changed, dispatch_uid="compliance.records_changed")
def records_changed_catch_up(sender, **kwargs) -> str:
    """Compute the months the records' change marked; says what was done."""
    return compliance_catch_up()
