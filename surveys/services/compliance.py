"""Satisfaction compliance (DOMAIN §5, kind ``satisfaction``) from the survey answers.

eligible = the answers about a provider and service given in the month (the month, in
the provider's time zone, of the day the answer was first given); met = those with an
overall score of 4 or 5. Minimum service standards count every client's answers; an SLA
target counts the answers of its client given while its SLA version was in force.

Set-based: ``satisfaction_results`` takes any number of (provider, month) shards and
runs a fixed number of queries for all of them (one aggregate over the answers). The
compliance engine calls it once per shard it computes (see the marked hook in
``sla/services/compliance.py``) and writes the rows with its own; ``satisfaction_write``
stores them on their own, for a caller that computes only satisfaction.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from catalogue.choices import MeasureKind
from catalogue.models import MinimumServiceStandard, Offering
from providers.models import ServiceProvider
from sla.choices import IN_FORCE_STATUSES, ComplianceScope
from sla.models import ComplianceResult, ServiceLevelTarget, Sla
from sla.services.compliance import _in_force_until, month_start, next_month, result_status

from ..choices import SATISFIED_FROM, CampaignStatus
from ..models import Answer

COUNTED_CAMPAIGNS = (CampaignStatus.OPEN, CampaignStatus.CLOSED)


def satisfaction_results(
    *, shards: Iterable[tuple[int, dt.date]], now: dt.datetime | None = None
) -> list[ComplianceResult]:
    """The satisfaction results (unsaved) of every standard and SLA target of the given
    (provider id, month) shards, keyed like the engine's (``mss:…``/``sla:…``)."""
    now = now or timezone.now()
    shards = {(provider_id, month_start(month)) for provider_id, month in shards}
    if not shards:
        return []
    provider_ids = {p for p, _ in shards}
    months = {m for _, m in shards}
    zones = {
        pk: ZoneInfo(tz)
        for pk, tz in ServiceProvider.objects.filter(pk__in=provider_ids).values_list(
            "pk", "duty_station__timezone"
        )
    }
    offered = defaultdict(set)
    for provider_id, service_id in Offering.objects.filter(
        provider_id__in=provider_ids
    ).values_list("provider_id", "service_id"):
        offered[provider_id].add(service_id)
    standards = list(
        MinimumServiceStandard.objects.filter(
            kind=MeasureKind.SATISFACTION,
            service_id__in={s for services in offered.values() for s in services},
        ).order_by("pk")
    )
    targets = _targets(provider_ids, min(months), max(months))
    counts = _answer_counts(provider_ids, months)
    previous = dict(
        ComplianceResult.objects.filter(
            provider_id__in=provider_ids, period__in=months, kind=MeasureKind.SATISFACTION
        ).values_list("key", "breach_notified_at")
    )

    rows = []
    for provider_id, month in sorted(shards):
        if provider_id not in zones:
            continue
        local_now = now.astimezone(zones[provider_id])
        provisional = month >= dt.date(local_now.year, local_now.month, 1)
        days = counts.get((provider_id, month), {})
        period = f"{month:%Y-%m}"

        common = {"period": month, "provider_id": provider_id, "provisional": provisional}
        for standard in standards:
            if standard.service_id not in offered[provider_id]:
                continue
            eligible = met = 0
            for (service_id, _client, _day), (n, ok) in days.items():
                if service_id == standard.service_id:
                    eligible, met = eligible + n, met + ok
            rows.append(
                _row(
                    f"mss:{standard.pk}:{provider_id}:{period}",
                    scope=ComplianceScope.MSS,
                    standard=standard,
                    service_id=standard.service_id,
                    target_pct=standard.target_pct,
                    eligible=eligible,
                    met=met,
                    now=now,
                    previous=previous,
                    **common,
                )
            )
        for target, sla, service_id, first, last in targets.get(provider_id, ()):
            first, last = max(first, month), min(last, next_month(month) - dt.timedelta(days=1))
            if last < first:
                continue
            client_id = sla.agreement.client_id
            eligible = met = 0
            for (answer_service, answer_client, day), (n, ok) in days.items():
                same = answer_service == service_id and answer_client == client_id
                if same and first <= day <= last:
                    eligible, met = eligible + n, met + ok
            rows.append(
                _row(
                    f"sla:{target.pk}:{period}",
                    scope=ComplianceScope.SLA,
                    standard=target.standard,
                    service_id=service_id,
                    target_pct=target.target_pct,
                    eligible=eligible,
                    met=met,
                    client_id=client_id,
                    sla_id=sla.pk,
                    target_id=target.pk,
                    now=now,
                    previous=previous,
                    **common,
                )
            )
    return rows


def _row(key, *, standard, target_pct, eligible, met, now, previous, **fields):
    return ComplianceResult(
        key=key,
        standard_id=standard.pk,
        kind=MeasureKind.SATISFACTION,
        threshold=None,
        clock="",
        target_pct=target_pct,
        eligible=eligible,
        met=met,
        status=result_status(met=met, eligible=eligible, target_pct=target_pct),
        overdue_open=0,
        computed_at=now,
        breach_notified_at=previous.get(key),
        **fields,
    )


def _targets(provider_ids, first_month: dt.date, last_month: dt.date) -> dict[int, list]:
    """Satisfaction targets of the SLA versions in force in the months, per provider, each
    with its SLA, service and the local dates its version counts (first, last)."""
    versions = {
        v.pk: v
        for v in Sla.objects.filter(
            agreement__provider_id__in=provider_ids,
            status__in=IN_FORCE_STATUSES,
            start_date__lt=next_month(last_month),
            end_date__gte=first_month,
        ).select_related("agreement")
    }
    successors = {
        s.supersedes_id: s
        for s in Sla.objects.filter(supersedes_id__in=list(versions)).only(
            "pk", "supersedes_id", "start_date", "status"
        )
    }
    by_provider = defaultdict(list)
    for target in (
        ServiceLevelTarget.objects.filter(
            line__sla_id__in=list(versions), kind=MeasureKind.SATISFACTION
        )
        .select_related("standard", "line__offering")
        .order_by("pk")
    ):
        sla = versions[target.line.sla_id]
        by_provider[sla.agreement.provider_id].append(
            (
                target,
                sla,
                target.line.offering.service_id,
                sla.start_date,
                _in_force_until(sla, successors),
            )
        )
    return by_provider


def _answer_counts(provider_ids, months) -> dict[tuple, dict[tuple, tuple[int, int]]]:
    """(answers, satisfied) per (provider, month) and then (service, client, local day),
    by one grouped query over the answers of open and closed campaigns."""
    counts: dict[tuple, dict] = defaultdict(dict)
    grouped = (
        Answer.objects.filter(
            provider_id__in=provider_ids,
            answer_month__in=months,
            campaign__status__in=COUNTED_CAMPAIGNS,
        )
        .order_by()
        .values("provider_id", "answer_month", "service_id", "client_id", "answered_on")
        .annotate(n=Count("id"), ok=Count("id", filter=Q(overall__gte=SATISFIED_FROM)))
    )
    for g in grouped:
        shard = (g["provider_id"], g["answer_month"])
        counts[shard][(g["service_id"], g["client_id"], g["answered_on"])] = (g["n"], g["ok"])
    return counts


@transaction.atomic
def satisfaction_write(
    *, shards: Iterable[tuple[int, dt.date]], now: dt.datetime | None = None
) -> int:
    """Store the satisfaction results of the shards (upsert on the key; satisfaction rows
    of those shards that no longer apply are removed). Returns the rows written."""
    shards = {(provider_id, month_start(month)) for provider_id, month in shards}
    rows = satisfaction_results(shards=shards, now=now)
    keep = {r.key for r in rows}
    stale = Q()
    for provider_id, month in shards:
        stale |= Q(provider_id=provider_id, period=month)
    if shards:
        ComplianceResult.objects.filter(stale, kind=MeasureKind.SATISFACTION).exclude(
            key__in=keep
        ).delete()
    fields = [f.name for f in ComplianceResult._meta.concrete_fields if f.name not in ("id", "key")]
    ComplianceResult.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["key"], update_fields=fields
    )
    return len(rows)
