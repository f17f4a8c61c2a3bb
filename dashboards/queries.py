"""Reads behind the dashboards and the review pack.

Every compliance figure comes from the stored results that the user may see
(``compliance.selectors.compliance_queryset``), read once per page as *facts*: the
results' totals grouped by provider, service, standard, kind, scope and month (one query;
a few thousand rows whatever the number of records, SLAs or clients), then folded in
Python into each table (``dashboards.tables``). Open records and their deadlines come from
the records the user may see (``records.selectors.record_queryset``). Every function here
runs a fixed number of queries. Kinds of measure are read from the results (timeliness,
accuracy, satisfaction, any other), never listed here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
)

from catalogue.choices import DesignationStatus, MeasureKind
from catalogue.models import Designation, MinimumServiceStandard, Service
from catalogue.selectors import in_force_on
from compliance.choices import ComplianceScope
from compliance.models import ComplianceResult, figures_withheld
from compliance.selectors import BREACHED_SHOWN, open_breaches
from core.figures import percent_of
from core.months import provisional_note
from core.zones import portal_today
from providers.models import ServiceProvider
from records.choices import RecordStatus
from records.models import ServiceRecord
from records.selectors import Deadline, open_record_deadlines, record_queryset
from sla.choices import SlaStatus
from sla.models import Sla

SATISFACTION = MeasureKind.SATISFACTION.value


def latest_month(results: QuerySet[ComplianceResult]) -> dt.date | None:
    """The latest month with results, up to the current month (one query)."""
    this_month = portal_today().replace(day=1)
    return results.filter(period__lte=this_month).aggregate(m=Max("period"))["m"]


def pct(met: int, eligible: int) -> Decimal | None:
    """Attainment in percent, two decimals (None when nothing was eligible)."""
    return percent_of(met, eligible)


# --------------------------------------------------------------------------------------
# Facts: the results grouped once, folded many ways
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """The totals of the results of one (provider, service, standard, kind, scope, month)."""

    provider_id: int
    service_id: int
    standard_id: int
    kind: str
    scope: str
    period: dt.date
    results: int
    eligible: int
    met: int
    breached: int
    weighted: Decimal  # sum of target_pct × eligible
    overdue: int
    largest: int  # the largest eligible count of one result
    provisional: int = 0  # how many of the results are provisional (month not over)


@dataclass
class Totals:
    """Facts summed: results, eligible, met, breached... and what follows from them;
    ``months`` they cover, and those of them whose figures are provisional."""

    results: int = 0
    eligible: int = 0
    met: int = 0
    breached: int = 0
    weighted: Decimal = Decimal(0)
    overdue: int = 0
    only_satisfaction: bool = True  # until a fact of another kind is added
    months: set = field(default_factory=set)
    provisional: set = field(default_factory=set)

    def add(self, fact: Fact) -> None:
        self.only_satisfaction = self.only_satisfaction and fact.kind == SATISFACTION
        self.months.add(fact.period)
        if fact.provisional:
            self.provisional.add(fact.period)
        self.results += fact.results
        self.eligible += fact.eligible
        self.met += fact.met
        self.breached += fact.breached
        self.weighted += fact.weighted
        self.overdue += fact.overdue

    @property
    def figures_withheld(self) -> bool:
        """Survey anonymity: satisfaction results alone, from too few answers."""
        return figures_withheld(only_satisfaction=self.only_satisfaction, eligible=self.eligible)

    @property
    def attainment(self) -> Decimal | None:
        """met ÷ eligible in percent (two decimals); None when nothing was eligible."""
        return pct(self.met, self.eligible)

    @property
    def provisional_note(self) -> str:
        """The mark of these figures: none when every month is over (``provisional_note``)."""
        return provisional_note(self.months, self.provisional)

    @property
    def target(self) -> Decimal | None:
        """The eligible-weighted target in percent: what the attainment is held against."""
        if not self.eligible:
            return None
        return (self.weighted / self.eligible).quantize(Decimal("0.01"))


def facts(results: QuerySet[ComplianceResult], *, months: list[dt.date]) -> list[Fact]:
    """The results of ``months`` grouped by provider, service, standard, kind, scope and
    month (one query; no joins, so the aggregate reads the results table alone)."""
    rows = (
        results.filter(period__in=months)
        .order_by()
        .values_list("provider_id", "service_id", "standard_id", "kind", "scope", "period")
        .annotate(
            # Note: first, while "eligible" still names the field, not its sum.
            weighted=Sum(F("target_pct") * F("eligible")),
            largest=Max("eligible"),
            n=Count("id"),
            eligible_sum=Sum("eligible"),
            met_sum=Sum("met"),
            breached=BREACHED_SHOWN,
            overdue=Sum("overdue_open"),
            provisional=Count("id", filter=Q(provisional=True)),
        )
    )
    return [
        Fact(
            provider_id=p,
            service_id=s,
            standard_id=m,
            kind=k,
            scope=sc,
            period=period,
            results=n,
            eligible=eligible or 0,
            met=met or 0,
            breached=breached,
            weighted=weighted or Decimal(0),
            overdue=overdue or 0,
            largest=largest or 0,
            provisional=provisional,
        )
        for (
            p,
            s,
            m,
            k,
            sc,
            period,
            weighted,
            largest,
            n,
            eligible,
            met,
            breached,
            overdue,
            provisional,
        ) in rows
    ]


def rollup(items: Iterable[Fact], key: Callable[[Fact], object]) -> dict[object, Totals]:
    totals: dict[object, Totals] = defaultdict(Totals)
    for fact in items:
        totals[key(fact)].add(fact)
    return totals


@dataclass
class Names:
    """Codes and names of the providers, services (with their area) and standards that
    the facts mention (three small queries on reference tables)."""

    providers: dict[int, ServiceProvider] = field(default_factory=dict)
    services: dict[int, Service] = field(default_factory=dict)
    standards: dict[int, MinimumServiceStandard] = field(default_factory=dict)

    @classmethod
    def of(cls, items: list[Fact]) -> Names:
        return cls(
            providers=ServiceProvider.objects.only("code", "name").in_bulk(
                {f.provider_id for f in items}
            ),
            services=Service.objects.select_related("area")
            .only("code", "name", "area__code", "area__name")
            .in_bulk({f.service_id for f in items}),
            standards=MinimumServiceStandard.objects.only("code").in_bulk(
                {f.standard_id for f in items}
            ),
        )

    def provider(self, pk: int) -> str:
        return self.providers[pk].code

    def area(self, service_id: int):
        return self.services[service_id].area


@dataclass
class Facts:
    """The facts of a page and the names they need."""

    items: list[Fact]
    names: Names

    @classmethod
    def load(cls, results: QuerySet[ComplianceResult], *, months: list[dt.date]) -> Facts:
        items = facts(results, months=months) if months else []
        return cls(items, Names.of(items))

    def of(self, months: list[dt.date]) -> list[Fact]:
        wanted = set(months)
        return [f for f in self.items if f.period in wanted]

    @property
    def months(self) -> set[dt.date]:
        """The months that have results."""
        return {f.period for f in self.items}

    @property
    def provisional_months(self) -> set[dt.date]:
        """The months with a provisional result (a month not over in a provider's zone)."""
        return {f.period for f in self.items if f.provisional}

    def last_complete_month(self) -> dt.date | None:
        """The latest month that has results, all of them final."""
        complete = self.months - self.provisional_months
        return max(complete) if complete else None


# --------------------------------------------------------------------------------------
# Results read one by one, or grouped by client
# --------------------------------------------------------------------------------------


def newest_breaches(
    results: QuerySet[ComplianceResult], *, months: list[dt.date], limit: int
) -> list[ComplianceResult]:
    """The open breaches of ``months``, newest first: the first ``limit`` (one query)."""
    # Note: ordered on the results' own columns, so that PostgreSQL sorts the breaches
    # before joining the ones it keeps (not after joining them all).
    # The newest are chosen in a subquery on the results alone; only they are joined to
    # what the table shows.
    breaches = open_breaches(results=results.filter(period__in=months)).order_by(
        "-period", "provider_id", "standard_id", "pk"
    )
    newest = breaches.values("pk")[:limit]
    return list(
        results.filter(pk__in=newest).order_by("-period", "provider_id", "standard_id", "pk")
    )


def client_misses(
    results: QuerySet[ComplianceResult], *, months: list[dt.date], top: int
) -> list[tuple[str, str, Totals]]:
    """``(code, name, totals)`` of the ``top`` clients whose SLA targets are breached most
    over ``months`` (one query)."""
    rows = (
        results.filter(period__in=months, scope=ComplianceScope.SLA)
        .order_by()
        .values("client__code", "client__name")
        .annotate(
            # Note: first, while "eligible" still names the field, not its sum.
            breached=BREACHED_SHOWN,
            n=Count("id"),
            eligible=Sum("eligible"),
            met=Sum("met"),
            others=Count("id", filter=~Q(kind=SATISFACTION)),
            provisional_from=Min("period", filter=Q(provisional=True)),
            provisional_to=Max("period", filter=Q(provisional=True)),
        )
        .order_by("-breached", "client__code")[:top]
    )
    return [
        (
            row["client__code"],
            row["client__name"],
            Totals(
                results=row["n"],
                eligible=row["eligible"] or 0,
                met=row["met"] or 0,
                breached=row["breached"],
                only_satisfaction=not row["others"],
                months=set(months),
                provisional={
                    m
                    for m in months
                    if row["provisional_from"]
                    and row["provisional_from"] <= m <= row["provisional_to"]
                },
            ),
        )
        for row in rows
    ]


# --------------------------------------------------------------------------------------
# Open records and their deadlines
# --------------------------------------------------------------------------------------


def open_deadlines(
    records: QuerySet[ServiceRecord], *, now: dt.datetime, candidates: int = 100
) -> list[Deadline]:
    """The deadlines of the ``candidates`` open records received first, against each
    timeliness standard and SLA target (``records.selectors.open_record_deadlines``, the
    rule the record pages and the engine follow; a fixed number of queries). Older records
    are due first, so the oldest are the overdue ones and, among those received recently,
    the ones due soon."""
    # Note: sorted on an expression, so that PostgreSQL reads the open records through the
    # (status, provider) index and sorts them, instead of walking the whole received_at
    # index looking for the rare old open records.
    # The first ones are chosen in a subquery on the records alone, so that only they are
    # joined to their provider, client, service and calendar (not every open record).
    received = ExpressionWrapper(F("received_at") + dt.timedelta(0), DateTimeField())
    first = records.filter(status=RecordStatus.OPEN).order_by(received, "pk").values("pk")
    rows = list(
        ServiceRecord.objects.filter(pk__in=first[:candidates])
        .select_related("provider", "client", "service", "calendar")
        .prefetch_related("calendar__holidays")
        .order_by("received_at", "pk")
    )
    return open_record_deadlines(rows, now=now)


def overdue_deadlines(records: QuerySet[ServiceRecord], *, now: dt.datetime) -> list[Deadline]:
    """Deadlines of open records already past, oldest first."""
    overdue = [d for d in open_deadlines(records, now=now) if d.due_at <= now]
    overdue.sort(key=lambda d: (d.due_at, d.record.pk))
    return overdue


def deadlines_due_soon(
    records: QuerySet[ServiceRecord], *, now: dt.datetime, days: int
) -> list[Deadline]:
    """Deadlines of open records that fall within ``days`` days, soonest first: among the
    open records received in the last 90 days (older ones are long past their deadlines)."""
    recent = records.filter(received_at__gte=now - dt.timedelta(days=90))
    horizon = now + dt.timedelta(days=days)
    soon = [d for d in open_deadlines(recent, now=now) if now < d.due_at <= horizon]
    soon.sort(key=lambda d: (d.due_at, d.record.pk))
    return soon


# --------------------------------------------------------------------------------------
# A client's providers, SLAs, results and records; a provider's records
# --------------------------------------------------------------------------------------


def designations_now(*, client, today: dt.date) -> QuerySet[Designation]:
    """The client's designations in force ``today``, with their provider, area and
    service (one query)."""
    return (
        Designation.objects.filter(in_force_on(today), client=client)
        .select_related("provider", "area", "service")
        .order_by("provider__code", "area__code", "service__code")
    )


def current_slas(*, client) -> QuerySet[Sla]:
    """The current version of each of the client's agreements (one query)."""
    return (
        Sla.objects.filter(agreement__client=client)
        .exclude(status=SlaStatus.SUPERSEDED)
        .select_related("agreement__provider")
        .order_by("agreement__number", "-version")
    )


def client_results(results: QuerySet[ComplianceResult], *, client) -> QuerySet:
    """What concerns a client: its own SLA targets, and the standards of the providers
    designated for it (measured over all their clients)."""
    designated = Designation.objects.filter(
        client=client, status=DesignationStatus.APPROVED
    ).values("provider_id")
    return results.filter(
        Q(scope=ComplianceScope.SLA, client=client)
        | Q(scope=ComplianceScope.MSS, provider_id__in=designated)
    )


def client_records(user, client) -> QuerySet[ServiceRecord]:
    return record_queryset(user=user).filter(client=client)
