"""The compliance app's answers to what lower apps announce."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from catalogue.models import MinimumServiceStandard
from records.services import mark_pending
from records.signals import records_changed
from sla.models import ServiceLevelTarget

from .models import ComplianceResult
from .tasks import compliance_catch_up


@receiver(records_changed, dispatch_uid="compliance.records_changed")
def records_changed_catch_up(sender, **kwargs) -> str:
    """Compute the months the records' change marked; says what was done."""
    return compliance_catch_up()


@receiver(post_save, sender=MinimumServiceStandard, dispatch_uid="compliance.standard_saved")
def standard_saved(sender, instance, raw=False, **kwargs):
    """A standard's figures changed: every month that has a result of it is computed again
    (a result copies its threshold, clock and target), records or not."""
    if not raw:
        mark_pending(results_of(standard_id=instance.pk))


@receiver(post_save, sender=ServiceLevelTarget, dispatch_uid="compliance.target_saved")
def target_saved(sender, instance, raw=False, **kwargs):
    """A target's figures changed: every month that has a result of it."""
    if not raw:
        mark_pending(results_of(target_id=instance.pk))


def results_of(**measure) -> list[tuple[int, object]]:
    return list(
        ComplianceResult.objects.filter(**measure)
        .order_by()
        .values_list("provider_id", "period")
        .distinct()
    )
