"""Reads of service records and imports, always starting from what the user may see."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.selectors import user_scope
from catalogue.choices import MeasureKind
from catalogue.models import MinimumServiceStandard
from core.clock import clock_due_at, elapsed_seconds, threshold_seconds

from .models import PendingRemeasure, RecordImport, ServiceRecord


def record_queryset(*, user) -> QuerySet[ServiceRecord]:
    """The records ``user`` may see: their provider's or their entity's; all for management
    and catalogue managers; none for anyone else."""
    scope = user_scope(user)
    qs = ServiceRecord.objects.select_related("provider", "client", "service", "calendar")
    if scope.sees_everything:
        return qs
    if not (scope.provider_ids or scope.client_ids):
        return qs.none()
    return qs.filter(Q(provider_id__in=scope.provider_ids) | Q(client_id__in=scope.client_ids))


def record_import_queryset(*, user) -> QuerySet[RecordImport]:
    """Imports ``user`` may follow: their own, their provider's, or all for global roles."""
    scope = user_scope(user)
    qs = RecordImport.objects.select_related("provider", "created_by")
    if scope.sees_everything:
        return qs
    if not scope.authenticated:
        return qs.none()
    return qs.filter(Q(created_by=user) | Q(provider_id__in=scope.provider_ids))


@dataclass(frozen=True)
class Deadline:
    """Where an open record stands against one timeliness standard."""

    standard: MinimumServiceStandard
    due_at: dt.datetime
    seconds_left: int
    overdue: bool


def record_deadlines(*, record: ServiceRecord, now: dt.datetime | None = None) -> list[Deadline]:
    """The deadline and the time left (on the standard's own clock) of an open record
    for each timeliness standard of its service. Empty for a closed record."""
    if record.completed_at is not None:
        return []
    now = now or timezone.now()
    calendar = record.calendar.work_calendar()
    pauses = record.pause_intervals()
    deadlines = []
    for standard in MinimumServiceStandard.objects.filter(
        service_id=record.service_id, kind=MeasureKind.TIMELINESS
    ).order_by("code"):
        due = clock_due_at(standard.clock, calendar, record.received_at, standard.threshold, pauses)
        left = 0
        if now < due:
            allowed = threshold_seconds(
                standard.clock, standard.threshold, calendar.working_day_hours
            )
            past_pauses = [p for p in pauses if p[1] <= now]
            until = max(now, record.received_at)
            spent = elapsed_seconds(
                standard.clock, calendar, record.received_at, until, past_pauses
            )
            left = max(0, allowed - spent)
        deadlines.append(Deadline(standard, due, left, now >= due))
    return deadlines


def calendars_to_remeasure(*, marked_before: dt.datetime) -> list[int]:
    """The duty stations whose re-measure was asked for before ``marked_before`` and has
    not finished since."""
    return list(
        PendingRemeasure.objects.filter(marked_at__lt=marked_before)
        .order_by("duty_station_id")
        .values_list("duty_station_id", flat=True)
    )
