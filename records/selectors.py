"""Reads of service records and imports, always starting from what the user may see."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from accounts.selectors import user_scope
from catalogue.choices import MeasureKind
from catalogue.models import MinimumServiceStandard
from core.clock import clock_due_at, elapsed_seconds, threshold_seconds
from core.months import local_month, month_start, months_between
from providers.models import ServiceProvider
from sla.models import ServiceLevelTarget
from sla.selectors import versions_in_force

from .choices import RecordStatus
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
    """Where an open record stands against one timeliness standard of its service, or
    one timeliness target of its SLA (``target``), on that measure's own clock."""

    standard: MinimumServiceStandard
    due_at: dt.datetime
    seconds_left: int
    overdue: bool
    target: ServiceLevelTarget | None = None
    record: ServiceRecord | None = None

    @property
    def statement(self) -> str:
        return (self.target or self.standard).statement


def open_record_deadlines(
    records: list[ServiceRecord], *, now: dt.datetime | None = None
) -> list[Deadline]:
    """The deadlines of open records (DOMAIN §3), the rule every page and the compliance
    engine's overdue count follow: against each timeliness standard of the record's
    service, and each timeliness target of an SLA version of its provider and client in
    force on the deadline's local day (the month and window in which an overdue record
    counts). Ordered by record, then standards before targets, by code.

    Three queries for any number of records (standards, SLA versions, targets), plus the
    holidays of calendars the records' queryset did not prefetch."""
    now = now or timezone.now()
    records = [r for r in records if r.status == RecordStatus.OPEN]
    if not records:
        return []
    services = {r.service_id for r in records}
    standards: dict[int, list[MinimumServiceStandard]] = defaultdict(list)
    for standard in MinimumServiceStandard.objects.filter(
        service_id__in=services, kind=MeasureKind.TIMELINESS
    ).order_by("code"):
        standards[standard.service_id].append(standard)
    # Note: only the versions between a record's provider and client matter; a provider's
    # agreements with its other clients would load their targets for nothing.
    pairs = {(r.provider_id, r.client_id) for r in records}
    versions = {
        v.pk: v
        for v in versions_in_force(
            provider_ids={r.provider_id for r in records},
            first=min(r.received_at for r in records).date() - dt.timedelta(days=1),
            after_last=dt.date.max,
        )
        if (v.provider_id, v.client_id) in pairs
    }
    targets: dict[tuple[int, int, int], list] = defaultdict(list)  # (provider, client, service)
    for target in (
        ServiceLevelTarget.objects.filter(
            line__sla_id__in=list(versions),
            kind=MeasureKind.TIMELINESS,
            line__offering__service_id__in=services,
        )
        .select_related("standard", "line__sla__agreement", "line__offering")
        .order_by("line__sla__agreement__number", "line__sla__version", "standard__code")
    ):
        version = versions[target.line.sla_id]
        key = (version.provider_id, version.client_id, target.line.offering.service_id)
        targets[key].append((target, version))

    deadlines, calendars = [], {}
    for record in records:
        calendar = calendars.get(record.calendar_id)
        if calendar is None:
            calendar = calendars[record.calendar_id] = record.calendar.work_calendar()
        pauses = record.pause_intervals()

        def deadline(measure, target=None, record=record, calendar=calendar, pauses=pauses):
            due = clock_due_at(
                measure.clock, calendar, record.received_at, measure.threshold, pauses
            )
            left = 0
            if now < due:
                allowed = threshold_seconds(
                    measure.clock, measure.threshold, calendar.working_day_hours
                )
                past_pauses = [p for p in pauses if p[1] <= now]
                until = max(now, record.received_at)
                spent = elapsed_seconds(
                    measure.clock, calendar, record.received_at, until, past_pauses
                )
                left = max(0, allowed - spent)
            standard = target.standard if target else measure
            return Deadline(standard, due, left, now >= due, target, record)

        for standard in standards[record.service_id]:
            deadlines.append(deadline(standard))
        for target, version in targets[(record.provider_id, record.client_id, record.service_id)]:
            found = deadline(target, target)
            local_day = found.due_at.astimezone(calendar.zone).date()
            if version.start_date <= local_day <= version.last_day:
                deadlines.append(found)
    return deadlines


def record_deadlines(*, record: ServiceRecord, now: dt.datetime | None = None) -> list[Deadline]:
    """The deadlines of one record (``open_record_deadlines``); empty for a closed one."""
    return open_record_deadlines([record], now=now)


def calendars_to_remeasure(*, marked_before: dt.datetime) -> list[int]:
    """The duty stations whose re-measure was asked for before ``marked_before`` and has
    not finished since."""
    return list(
        PendingRemeasure.objects.filter(marked_at__lt=marked_before)
        .order_by("duty_station_id")
        .values_list("duty_station_id", flat=True)
    )


# The latest time zone is 14 hours ahead of UTC: a month has begun somewhere once it has
# begun there.
LATEST_ZONE_OFFSET = dt.timedelta(hours=14)


def current_month_anywhere(now: dt.datetime | None = None) -> dt.date:
    """The latest month that has begun in some time zone."""
    return month_start(((now or timezone.now()) + LATEST_ZONE_OFFSET).date())


def months_since(open_since: dict[int, dt.datetime]) -> list[tuple[int, dt.date]]:
    """Every (provider, month) from the local month of each provider's given instant up to
    the current month: where the overdue counts of open records received since then may
    fall (a deadline lies after its record's receipt, and one not passed yet counts in no
    month; DOMAIN §5). One query (the providers' time zones)."""
    if not open_since:
        return []
    zones = dict(
        ServiceProvider.objects.filter(pk__in=open_since).values_list(
            "pk", "duty_station__timezone"
        )
    )
    latest = current_month_anywhere()
    return [
        (provider_id, month)
        for provider_id, instant in open_since.items()
        for month in months_between(local_month(instant, ZoneInfo(zones[provider_id])), latest)
    ]


def open_record_months(*, provider_ids=None, service_id=None) -> list[tuple[int, dt.date]]:
    """The months in which the open records of some providers (or of one service) may
    count as overdue (``months_since`` their earliest receipt). Two queries."""
    records = ServiceRecord.objects.filter(status=RecordStatus.OPEN)
    if provider_ids is not None:
        records = records.filter(provider_id__in=provider_ids)
    if service_id is not None:
        records = records.filter(service_id=service_id)
    earliest = dict(
        records.order_by()
        .values("provider_id")
        .annotate(first=Min("received_at"))
        .values_list("provider_id", "first")
    )
    return months_since(earliest)
