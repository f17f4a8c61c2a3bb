"""What makes stored figures stale, and what the records app does about it.

A calendar changes: re-measure the records it governs, in the background (receivers only
mark and enqueue: one task per duty station per transaction, after it commits). A
standard's figures or an SLA's months in force change: mark the affected months for the
compliance engine, in the same transaction as the change.
"""

import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from catalogue.models import MinimumServiceStandard
from core.models import DutyStation, Holiday
from core.months import month_start, months_between
from sla.choices import IN_FORCE_STATUSES
from sla.models import ServiceLevelTarget, Sla
from sla.signals import sla_in_force_changed

_local = threading.local()


def _enqueue_after_commit(duty_station_id: int) -> None:
    from .services import mark_remeasure

    mark_remeasure([duty_station_id])  # with the change: the re-measure is never lost
    connection = transaction.get_connection()
    callback = getattr(_local, "callback", None)
    # A rolled-back transaction drops its callbacks: start a fresh batch then.
    if callback is None or not any(entry[1] is callback for entry in connection.run_on_commit):
        stations: set[int] = set()

        def callback():
            from core.tasks import send_on_commit

            from .tasks import recompute_calendar_records

            _local.callback = None
            for station_id in sorted(stations):
                # The calendar change is committed already: a broker that cannot be
                # reached is logged rather than turned into a server error, and the
                # station's mark has the scheduled run send it again.
                send_on_commit(recompute_calendar_records, station_id)

        callback.stations = stations
        _local.callback = callback
        if connection.in_atomic_block:
            transaction.on_commit(callback)
        else:
            stations.add(duty_station_id)
            callback()
            return
    _local.callback.stations.add(duty_station_id)


@receiver(post_save, sender=DutyStation, dispatch_uid="records.calendar_saved")
def calendar_saved(sender, instance, created, raw=False, **kwargs):
    if not created and not raw:
        _enqueue_after_commit(instance.pk)


@receiver(pre_save, sender=Holiday, dispatch_uid="records.holiday_saving")
def holiday_saving(sender, instance, raw=False, **kwargs):
    """Note the station a holiday moves away from: its calendar changes too."""
    if raw or instance.pk is None:
        return
    instance._records_left_station_id = (
        Holiday.objects.filter(pk=instance.pk)
        .exclude(duty_station_id=instance.duty_station_id)
        .values_list("duty_station_id", flat=True)
        .first()
    )


@receiver(post_save, sender=Holiday, dispatch_uid="records.holiday_saved")
@receiver(post_delete, sender=Holiday, dispatch_uid="records.holiday_deleted")
def holiday_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    left = instance.__dict__.pop("_records_left_station_id", None)
    if left is not None:
        _enqueue_after_commit(left)
    _enqueue_after_commit(instance.duty_station_id)


@receiver(post_save, sender=MinimumServiceStandard, dispatch_uid="records.standard_saved")
def standard_saved(sender, instance, raw=False, **kwargs):
    """A standard's figures changed: every month with records of its service is pending,
    and every month in which an open record of its service may count as overdue."""
    if raw:
        return
    from .models import ServiceRecord
    from .selectors import open_record_months
    from .services import mark_pending

    mark_pending(
        ServiceRecord.objects.filter(service_id=instance.service_id, completed_month__isnull=False)
        .order_by()
        .values_list("provider_id", "completed_month")
        .distinct()
    )
    # Its threshold moves the deadlines of the service's open records, and with them the
    # months where they count as overdue.
    mark_pending(open_record_months(service_id=instance.service_id))


@receiver(sla_in_force_changed, sender=Sla, dispatch_uid="records.sla_in_force_changed")
def sla_months_changed(sender, sla, **kwargs):
    """Mark every month of an SLA's period for recomputation (approval, termination...)."""
    from .services import mark_pending

    provider_id = sla.agreement.provider_id
    months = months_between(month_start(sla.start_date), sla.end_date)
    mark_pending([(provider_id, month) for month in months])


@receiver(post_save, sender=ServiceLevelTarget, dispatch_uid="records.target_saved")
def target_saved(sender, instance, raw=False, **kwargs):
    """A target's figures changed: the months of its SLA version, if that version counts
    (a draft's targets count nowhere)."""
    if raw:
        return
    sla = instance.line.sla
    if sla.status in IN_FORCE_STATUSES:
        sla_months_changed(sender=Sla, sla=sla)
