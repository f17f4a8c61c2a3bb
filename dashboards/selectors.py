"""Reads behind the dashboards and the review pack.

Every compliance figure comes from the stored results that the user may see
(``sla.selectors.compliance_queryset``), read once per page as *facts*: the results'
totals grouped by provider, service, standard, kind, scope and month (one query; a few
thousand rows whatever the number of records, SLAs or clients), then folded in Python
into each table. Open records and their deadlines come from the records the user may see
(``sla.selectors.record_queryset``). Every selector runs a fixed number of queries.
Kinds of measure are read from the results (timeliness, accuracy, satisfaction, any
other), never listed here.
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
    Q,
    QuerySet,
    Sum,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from catalogue.choices import MeasureKind
from catalogue.models import Designation, MinimumServiceStandard, Service
from compliance.choices import ComplianceScope
from compliance.models import WITHHELD_NOTE, ComplianceResult, figures_withheld
from compliance.selectors import BREACHED_SHOWN, open_breaches, records_url
from core.clock import clock_due_at
from core.tables import Cell, Column, Table
from providers.models import ServiceProvider
from records.choices import RecordStatus
from records.models import ServiceRecord
from records.selectors import record_queryset
from sla.choices import SlaStatus
from sla.models import Sla

from .tables import band, pct, pct_text

SATISFACTION = MeasureKind.SATISFACTION.value
TOP = 10
LIST_LIMIT = 25


# --------------------------------------------------------------------------------------
# Months, labels, links
# --------------------------------------------------------------------------------------


def latest_month(results: QuerySet[ComplianceResult]) -> dt.date | None:
    """The latest month with results, up to the current month (one query)."""
    this_month = timezone.localdate().replace(day=1)
    return results.filter(period__lte=this_month).aggregate(m=Max("period"))["m"]


def kind_label(kind: str) -> str:
    if kind in MeasureKind.values:
        return MeasureKind(kind).label
    return kind.replace("_", " ").capitalize()


def scope_label(scope: str) -> str:
    return "Standards" if scope == ComplianceScope.MSS else "SLA targets"


def _period_params(months: list[dt.date]) -> dict:
    if len(months) == 1:
        return {"period": months[0]}
    return {"period_from": months[0], "period_to": months[-1]}


def results_url(drill: dict, **params) -> str:
    """The compliance results page (``/compliance/``) filtered: the drill-down of a figure,
    with the dashboard's own filters (``drill``) unless the figure sets them itself."""
    query = {k: v for k, v in {**drill, **params}.items() if v not in (None, "")}
    for key, value in list(query.items()):
        if isinstance(value, dt.date):
            query[key] = f"{value:%Y-%m}"
    return f"{_path('compliance:compliance-list')}?{urlencode(query)}"


def open_records_url(**params) -> str:
    query = {"status": RecordStatus.OPEN, "ordering": "received_at"}
    query.update({k: v for k, v in params.items() if v})
    return f"{_path('records:servicerecord-list')}?{urlencode(query)}"


_PATHS: dict[str, str] = {}


def _path(name: str) -> str:
    # Note: hundreds of links per page; reverse() each name once per process.
    if name not in _PATHS:
        _PATHS[name] = reverse(name)
    return _PATHS[name]


def _attainment_cell(totals: Totals, href: str = "", coloured: bool = False) -> Cell:
    if totals.figures_withheld:
        return _withheld_cell(href)
    value = totals.attainment
    return Cell(
        value, pct_text(value), href=href, css=band(value, totals.target) if coloured else ""
    )


def _withheld_cell(href: str = "") -> Cell:
    """Survey anonymity: no figure (blank in the exports), and why."""
    return Cell(None, WITHHELD_NOTE, href=href, css="heat-none")


def _count_cell(totals: Totals, value: int, href: str = "") -> Cell:
    """An eligible or met count, unless the totals' figures are withheld."""
    return _withheld_cell() if totals.figures_withheld else Cell(value, href=href)


def _totals_columns(eligible: str = "Eligible", met: str = "Met") -> list[Column]:
    """The figures of a group of results: how many, eligible, met, attainment, breaches."""
    return [
        Column("Results", True),
        Column(eligible, True),
        Column(met, True),
        Column("Attainment", True),
        Column("Breached", True),
    ]


def _totals_cells(totals: Totals, drill: dict, params: dict, coloured: bool = False) -> list:
    """The cells under ``_totals_columns``; the counts of results link to them."""
    return [
        Cell(totals.results, href=results_url(drill, **params)),
        _count_cell(totals, totals.eligible),
        _count_cell(totals, totals.met),
        _attainment_cell(totals, coloured=coloured),
        Cell(totals.breached, href=results_url(drill, status="breached", **params)),
    ]


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


@dataclass
class Totals:
    """Facts summed: results, eligible, met, breached... and what follows from them."""

    results: int = 0
    eligible: int = 0
    met: int = 0
    breached: int = 0
    weighted: Decimal = Decimal(0)
    overdue: int = 0
    only_satisfaction: bool = True  # until a fact of another kind is added

    def add(self, fact: Fact) -> None:
        self.only_satisfaction = self.only_satisfaction and fact.kind == SATISFACTION
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
        )
        for p, s, m, k, sc, period, weighted, largest, n, eligible, met, breached, overdue in rows
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


# --------------------------------------------------------------------------------------
# Tables folded from the facts
# --------------------------------------------------------------------------------------


def heatmap(data: Facts, *, months: list[dt.date], drill: dict, key: str = "heatmap") -> Table:
    """Providers × functional areas over ``months``: attainment (met ÷ eligible), coloured
    against the eligible-weighted target, and the number of breached results. Each cell
    opens the results behind it."""
    names = data.names
    cells = rollup(
        data.of(months), lambda f: (names.provider(f.provider_id), names.area(f.service_id).code)
    )
    # Areas with something measured (a standard without any record in these months
    # would only add a column of dashes).
    measured = {area for (_, area), t in cells.items() if t.eligible}
    areas = sorted(
        {
            (names.area(f.service_id).code, names.area(f.service_id).name)
            for f in data.of(months)
            if names.area(f.service_id).code in measured
        },
        key=lambda a: a[1],
    )
    providers = sorted({code for code, _ in cells})
    provider_names = {p.code: p.name for p in names.providers.values()}
    period = _period_params(months)
    table = Table(
        key=key,
        caption="Attainment by provider and functional area",
        columns=[Column("Provider")] + [Column(name, numeric=True) for _, name in areas],
        note="Colour: green when attainment reaches the targets (weighted by eligible "
        "records), amber within 2 points, red below. Each cell opens its results.",
        export_columns=[
            "provider",
            "area",
            "results",
            "eligible",
            "met",
            "attainment_pct",
            "weighted_target_pct",
            "breached",
            "overdue_open",
        ],
        export_rows=[],
    )
    for code in providers:
        line = [Cell(code, note=provider_names.get(code, ""))]
        for area_code, _ in areas:
            totals = cells.get((code, area_code))
            if totals is None:
                line.append(Cell(None, "—", css="heat-none"))
                continue
            href = results_url(drill, provider=code, area=area_code, **period)
            if totals.figures_withheld:
                line.append(_withheld_cell(href))
                table.export_rows.append(
                    [code, area_code, totals.results, None, None, None, None, None, None]
                )
                continue
            line.append(
                Cell(
                    totals.attainment,
                    pct_text(totals.attainment),
                    href=href,
                    css=band(totals.attainment, totals.target),
                    note=f"{totals.breached} breached" if totals.breached else "",
                )
            )
            table.export_rows.append(
                [
                    code,
                    area_code,
                    totals.results,
                    totals.eligible,
                    totals.met,
                    totals.attainment,
                    totals.target,
                    totals.breached,
                    totals.overdue,
                ]
            )
        table.rows.append(line)
    return table


def trend(
    data: Facts, *, months: list[dt.date], by: str = "provider", drill: dict, key="trend"
) -> Table:
    """Attainment month by month, one row per provider (``by="provider"``) or per scope
    and kind (``by="kind"``), drawn as a line chart."""
    names = data.names
    if by == "provider":
        series = rollup(data.of(months), lambda f: (names.provider(f.provider_id), f.period))
    else:
        series = rollup(data.of(months), lambda f: ((f.scope, f.kind), f.period))
    table = Table(
        key=key,
        caption="Attainment, month by month"
        + (" (per provider)" if by == "provider" else " (per kind of measure)"),
        columns=[Column("Provider" if by == "provider" else "Measures")]
        + [Column(f"{m:%b %Y}", numeric=True) for m in months],
        chart={"type": "line", "unit": "%"},
    )
    for name in sorted({name for name, _ in series}):
        if by == "provider":
            label, params = name, {"provider": name}
        else:
            scope, kind = name
            label = f"{scope_label(scope)}: {kind_label(kind)}"
            params = {"scope": scope, "kind": kind}
        line = [Cell(label)]
        for month in months:
            totals = series.get((name, month))
            if totals is None:
                line.append(Cell(None, "—"))
            else:
                line.append(_attainment_cell(totals, results_url(drill, period=month, **params)))
        table.rows.append(line)
    return table


def by_kind(data: Facts, *, months: list[dt.date], drill: dict) -> Table:
    """Totals per kind of measure (every kind the results have) and scope."""
    groups = rollup(data.of(months), lambda f: (f.kind, f.scope))
    table = Table(
        key="kinds",
        caption="By kind of measure",
        columns=[
            Column("Kind"),
            Column("Scope"),
            *_totals_columns(),
        ],
    )
    period = _period_params(months)
    for kind, scope in sorted(groups):
        totals = groups[(kind, scope)]
        params = {"kind": kind, "scope": scope, **period}
        table.rows.append(
            [
                Cell(kind, kind_label(kind)),
                Cell(scope, scope_label(scope)),
                *_totals_cells(totals, drill, params),
            ]
        )
    return table


def most_breached(data: Facts, *, months: list[dt.date], drill: dict) -> Table:
    """The standards most often breached over ``months`` (SLA targets counted under the
    standard they tighten), the top ten."""
    names = data.names
    groups = rollup(data.of(months), lambda f: (f.standard_id, f.service_id, f.kind))
    ranked = sorted(
        ((key, t) for key, t in groups.items() if t.breached),
        key=lambda item: (-item[1].breached, names.standards[item[0][0]].code),
    )[:TOP]
    table = Table(
        key="most-breached",
        caption="Standards most often breached",
        columns=[
            Column("Standard"),
            Column("Service"),
            Column("Kind"),
            Column("Breached", True),
            Column("Results", True),
            Column("Attainment", True),
        ],
        chart={"type": "bar", "value_column": 3, "unit": "results"},
        empty="No breach in these months.",
    )
    period = _period_params(months)
    for (standard_id, service_id, kind), totals in ranked:
        code = names.standards[standard_id].code
        service = names.services[service_id]
        table.rows.append(
            [
                Cell(code),
                Cell(service.code, note=service.name),
                Cell(kind, kind_label(kind)),
                Cell(
                    totals.breached,
                    href=results_url(drill, measure=code, status="breached", **period),
                ),
                Cell(totals.results, href=results_url(drill, measure=code, **period)),
                _attainment_cell(totals),
            ]
        )
    return table


def breaches_table(
    results: QuerySet[ComplianceResult], *, months: list[dt.date], drill: dict
) -> Table:
    """Open breaches of ``months`` (closed months, and provisional ones already notified),
    newest first: the first 25 (one query) and a link to them all."""
    # Note: ordered on the results' own columns, so that PostgreSQL sorts the breaches
    # before joining the 26 it keeps (not after joining them all).
    breaches = open_breaches(results=results.filter(period__in=months)).order_by(
        "-period", "provider_id", "standard_id", "pk"
    )
    rows = list(breaches[: LIST_LIMIT + 1])
    table = Table(
        key="breaches",
        caption="Open breaches",
        columns=[
            Column("Month"),
            Column("Provider"),
            Column("Measure"),
            Column("Kind"),
            Column("Client / SLA"),
            Column("Met", True),
            Column("Eligible", True),
            Column("Attainment", True),
            Column("Target %", True),
        ],
        empty="No open breach.",
    )
    if len(rows) > LIST_LIMIT:
        rows = rows[:LIST_LIMIT]
        table.note = f"The {LIST_LIMIT} newest."
        table.note_href = results_url(drill, status="breached", **_period_params(months))
    for r in rows:
        who = f"{r.sla.agreement.number} ({r.client.code})" if r.sla_id else "all clients"
        link = records_url(r)
        attainment = pct(r.met, r.eligible)
        table.rows.append(
            [
                Cell(f"{r.period:%Y-%m}"),
                Cell(r.provider.code),
                Cell(r.standard.code, note=r.service.code),
                Cell(r.kind, kind_label(r.kind)),
                Cell(who),
                Cell(r.met, href=link),
                Cell(r.eligible, href=link),
                Cell(attainment, pct_text(attainment)),
                Cell(r.target_pct),
            ]
        )
    return table


def overdue_backlog(data: Facts, *, months: list[dt.date]) -> Table:
    """Open records past their deadline, per provider: the engine's ``overdue_open`` of the
    standards (a record counts once per timeliness standard of its service) over
    ``months``, the largest backlog first."""
    names = data.names
    groups = rollup(
        (f for f in data.of(months) if f.scope == ComplianceScope.MSS),
        lambda f: f.provider_id,
    )
    ranked = sorted(
        ((pk, t) for pk, t in groups.items() if t.overdue),
        key=lambda item: (-item[1].overdue, names.provider(item[0])),
    )
    table = Table(
        key="overdue",
        caption="Overdue backlog: open records past their deadline",
        columns=[Column("Provider"), Column("Overdue open records", True)],
        chart={"type": "bar", "value_column": 1, "unit": "records"},
        empty="No open record is past its deadline.",
    )
    for pk, totals in ranked:
        provider = names.providers[pk]
        table.rows.append(
            [
                Cell(provider.code, note=provider.name),
                Cell(totals.overdue, href=open_records_url(provider=provider.code)),
            ]
        )
    return table


def misses_by_service(data: Facts, *, months: list[dt.date], drill: dict) -> Table:
    """Services where the most results are breached over ``months``, top ten."""
    names = data.names
    groups = rollup(data.of(months), lambda f: f.service_id)
    ranked = sorted(
        ((pk, t) for pk, t in groups.items() if t.eligible or t.breached),
        key=lambda item: (-item[1].breached, names.services[item[0]].code),
    )[:TOP]
    return _misses_table(
        "service",
        [(names.services[pk].code, names.services[pk].name, t) for pk, t in ranked],
        months=months,
        drill=drill,
    )


def misses_by_client(
    results: QuerySet[ComplianceResult], *, months: list[dt.date], drill: dict
) -> Table:
    """Clients whose SLA targets are breached most over ``months``, top ten (one query)."""
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
        )
        .order_by("-breached", "client__code")[:TOP]
    )
    groups = [
        (
            row["client__code"],
            row["client__name"],
            Totals(
                results=row["n"],
                eligible=row["eligible"] or 0,
                met=row["met"] or 0,
                breached=row["breached"],
                only_satisfaction=not row["others"],
            ),
        )
        for row in rows
    ]
    return _misses_table("client", groups, months=months, drill=drill)


def _misses_table(group: str, groups: list, *, months: list[dt.date], drill: dict) -> Table:
    table = Table(
        key=f"misses-{group}",
        caption=f"{'Clients' if group == 'client' else 'Services'} where targets are missed most",
        columns=[
            Column(group.capitalize()),
            Column("Breached", True),
            Column("Results", True),
            Column("Attainment", True),
        ],
        empty="Nothing measured in these months.",
    )
    period = _period_params(months)
    for code, name, totals in groups:
        params = {group: code, **period}
        table.rows.append(
            [
                Cell(code, note=name),
                Cell(totals.breached, href=results_url(drill, status="breached", **params)),
                Cell(totals.results, href=results_url(drill, **params)),
                _attainment_cell(totals),
            ]
        )
    return table


def volumes(data: Facts, *, months: list[dt.date], by: str, key: str = "volumes") -> Table:
    """Completed records month by month, per service (``by="service"``) or per provider,
    drawn as a stacked bar chart. The completed records of a (provider, service, month)
    are the eligible count of its record-based standards (they all count the same
    records; satisfaction counts survey answers instead)."""
    names = data.names
    per_service: dict[tuple, int] = {}
    for f in data.of(months):
        if f.scope == ComplianceScope.MSS and f.kind != SATISFACTION:
            slot = (f.provider_id, f.service_id, f.period)
            per_service[slot] = max(per_service.get(slot, 0), f.largest)
    totals: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    labels = {}
    for (provider_id, service_id, period), volume in per_service.items():
        if by == "service":
            service = names.services[service_id]
            code, labels[service.code] = service.code, service.name
        else:
            code = names.provider(provider_id)
        totals[code][period] += volume
    table = Table(
        key=key,
        caption=f"Completed records by {by}, month by month",
        columns=[Column(by.capitalize())]
        + [Column(f"{m:%b %Y}", numeric=True) for m in months]
        + [Column("Total", True)],
        chart={"type": "bar", "stacked": True, "unit": "records"},
        empty="No completed record in these months.",
    )
    for code in sorted(totals):
        if not sum(totals[code].values()):
            continue  # measured, but nothing completed in these months
        line = [Cell(code, note=labels.get(code, ""))]
        line += [Cell(totals[code].get(m, 0)) for m in months]
        line.append(Cell(sum(totals[code].values())))
        table.rows.append(line)
    return table


def compliance_by_service(data: Facts, *, months: list[dt.date], drill: dict) -> Table:
    """Per service and scope: attainment and breaches over ``months``."""
    names = data.names
    groups = rollup(data.of(months), lambda f: (names.services[f.service_id].code, f.scope))
    table = Table(
        key="by-service",
        caption="Compliance by service",
        columns=[
            Column("Service"),
            Column("Measured against"),
            *_totals_columns(),
        ],
        chart={"type": "bar", "value_column": 5, "unit": "%"},
    )
    service_names = {s.code: s.name for s in names.services.values()}
    period = _period_params(months)
    for code, scope in sorted(groups):
        totals = groups[(code, scope)]
        params = {"service": code, "scope": scope, **period}
        against = (
            "Your SLA targets"
            if scope == ComplianceScope.SLA
            else "Standards (provider, all clients)"
        )
        table.rows.append(
            [
                Cell(code, note=service_names.get(code, "")),
                Cell(scope, against),
                *_totals_cells(totals, drill, params, coloured=True),
            ]
        )
    return table


def breaches_by_month(data: Facts, *, months: list[dt.date], drill: dict) -> Table:
    """Breached results per provider and month."""
    names = data.names
    counts = rollup(data.of(months), lambda f: (names.provider(f.provider_id), f.period))
    table = Table(
        key="breaches-by-month",
        caption="Breached results per provider and month",
        columns=[Column("Provider")]
        + [Column(f"{m:%b %Y}", True) for m in months]
        + [Column("Total", True)],
        chart={"type": "bar", "stacked": True, "unit": "results"},
        empty="No breach in these months.",
    )
    providers = sorted({code for code, _ in counts})
    for code in providers:
        line, total = [Cell(code)], 0
        for month in months:
            totals = counts.get((code, month))
            n = totals.breached if totals else 0
            total += n
            href = results_url(drill, provider=code, period=month, status="breached")
            line.append(Cell(n, href=href if n else ""))
        line.append(Cell(total))
        if total:
            table.rows.append(line)
    return table


def satisfaction(data: Facts, *, months: list[dt.date], drill: dict) -> Table:
    """The client satisfaction results (kind ``satisfaction``) per provider: answers,
    satisfied (score 4 or 5), attainment, breaches."""
    names = data.names
    groups = rollup(
        (f for f in data.of(months) if f.kind == SATISFACTION),
        lambda f: names.provider(f.provider_id),
    )
    table = Table(
        key="satisfaction",
        caption="Client satisfaction",
        columns=[
            Column("Provider"),
            *_totals_columns(eligible="Answers", met="Satisfied (4–5)"),
        ],
        empty="No satisfaction results yet: they appear here once the client satisfaction "
        "survey has answers and compliance has been computed.",
    )
    period = _period_params(months)
    for code in sorted(groups):
        totals = groups[code]
        if not totals.eligible:
            continue  # no answers in these months (its results say no_data)
        params = {"provider": code, "kind": SATISFACTION, **period}
        table.rows.append(
            [
                Cell(code),
                *_totals_cells(totals, drill, params, coloured=True),
            ]
        )
    return table


# --------------------------------------------------------------------------------------
# Open records and their deadlines
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenDeadline:
    record: ServiceRecord
    standard: MinimumServiceStandard
    due_at: dt.datetime


def open_deadlines(
    records: QuerySet[ServiceRecord], *, candidates: int = 100
) -> list[OpenDeadline]:
    """The deadline of each of the ``candidates`` open records received first, against
    every timeliness standard of its service (three queries: records, their calendars'
    holidays, the standards). Older records are due first, so the oldest are the overdue
    ones and, among those received recently, the ones due soon."""
    # Note: sorted on an expression, so that PostgreSQL reads the open records through the
    # (status, provider) index and sorts them, instead of walking the whole received_at
    # index looking for the rare old open records.
    received = ExpressionWrapper(F("received_at") + dt.timedelta(0), DateTimeField())
    rows = list(
        records.filter(status=RecordStatus.OPEN)
        .select_related("provider", "client", "service", "calendar")
        .prefetch_related("calendar__holidays")
        .order_by(received, "pk")[:candidates]
    )
    standards = defaultdict(list)
    for standard in MinimumServiceStandard.objects.filter(
        service_id__in={r.service_id for r in rows}, kind=MeasureKind.TIMELINESS
    ).order_by("code"):
        standards[standard.service_id].append(standard)
    calendars = {}
    deadlines = []
    for record in rows:
        calendar = calendars.get(record.calendar_id)
        if calendar is None:
            calendar = calendars[record.calendar_id] = record.calendar.work_calendar()
        pauses = record.pause_intervals()
        for standard in standards[record.service_id]:
            due = clock_due_at(
                standard.clock, calendar, record.received_at, standard.threshold, pauses
            )
            deadlines.append(OpenDeadline(record, standard, due))
    return deadlines


def deadline_table(
    deadlines: list[OpenDeadline], *, key: str, caption: str, empty: str, total_href: str
) -> Table:
    table = Table(
        key=key,
        caption=caption,
        columns=[
            Column("Reference"),
            Column("Provider"),
            Column("Client"),
            Column("Service"),
            Column("Received"),
            Column("Standard"),
            Column("Deadline"),
        ],
        empty=empty,
    )
    table.note_href = total_href
    for item in deadlines[:LIST_LIMIT]:
        record = item.record
        href = reverse("records:servicerecord-detail", args=[record.pk])
        table.rows.append(
            [
                Cell(record.external_ref, href=href),
                Cell(record.provider.code),
                Cell(record.client.code),
                Cell(record.service.code),
                Cell(record.received_at, f"{record.received_at:%Y-%m-%d %H:%M} UTC"),
                Cell(item.standard.code),
                Cell(item.due_at, f"{item.due_at:%Y-%m-%d %H:%M} UTC"),
            ]
        )
    return table


def overdue_records(records: QuerySet[ServiceRecord], *, now: dt.datetime) -> Table:
    """Open records already past a deadline, oldest first (first 25)."""
    overdue = [d for d in open_deadlines(records) if d.due_at <= now]
    overdue.sort(key=lambda d: (d.due_at, d.record.pk))
    table = deadline_table(
        overdue,
        key="overdue-records",
        caption="Overdue open records",
        empty="No open record is past its deadline.",
        total_href=open_records_url(),
    )
    table.note = "The oldest open records first; the records page lists every open record."
    return table


def due_soon(records: QuerySet[ServiceRecord], *, now: dt.datetime, days: int = 14) -> Table:
    """Open records whose next deadline falls within ``days`` days, soonest first: among the
    open records received in the last 90 days (older ones are long past their deadlines)."""
    recent = records.filter(received_at__gte=now - dt.timedelta(days=90))
    horizon = now + dt.timedelta(days=days)
    soon = [d for d in open_deadlines(recent) if now < d.due_at <= horizon]
    soon.sort(key=lambda d: (d.due_at, d.record.pk))
    table = deadline_table(
        soon,
        key="due-soon",
        caption=f"Due in the next {days} days",
        empty=f"No open record is due in the next {days} days.",
        total_href=open_records_url(),
    )
    return table


# --------------------------------------------------------------------------------------
# A client's providers and SLAs
# --------------------------------------------------------------------------------------


def client_providers(*, client, today: dt.date) -> Table:
    """The providers designated for the client now, by area or service (one query)."""
    designations = (
        Designation.objects.filter(client=client, effective_from__lte=today)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))
        .select_related("provider", "area", "service")
        .order_by("provider__code", "area__code", "service__code")
    )
    table = Table(
        key="providers",
        caption="Designated providers",
        columns=[Column("Provider"), Column("Area or service"), Column("Since")],
        empty="No provider is designated for this entity.",
    )
    for d in designations:
        what = d.service.code if d.service_id else d.area.name
        table.rows.append(
            [
                Cell(
                    d.provider.code,
                    href=reverse("catalogue:serviceprovider-detail", args=[d.provider.code]),
                    note=d.provider.name,
                ),
                Cell(what),
                Cell(d.effective_from, f"{d.effective_from:%Y-%m-%d}"),
            ]
        )
    return table


def client_slas(*, client) -> Table:
    """The client's SLAs, the current version of each agreement (one query)."""
    slas = (
        Sla.objects.filter(agreement__client=client)
        .exclude(status=SlaStatus.SUPERSEDED)
        .select_related("agreement__provider")
        .order_by("agreement__number", "-version")
    )
    table = Table(
        key="slas",
        caption="SLAs",
        columns=[
            Column("Agreement"),
            Column("Provider"),
            Column("Status"),
            Column("From"),
            Column("To"),
        ],
        empty="No SLA yet.",
    )
    for sla in slas:
        table.rows.append(
            [
                Cell(
                    f"{sla.agreement.number} v{sla.version}",
                    href=reverse("sla:sla-detail", args=[sla.pk]),
                ),
                Cell(sla.agreement.provider.code),
                Cell(sla.status, sla.get_status_display()),
                Cell(sla.start_date, f"{sla.start_date:%Y-%m-%d}"),
                Cell(sla.end_date, f"{sla.end_date:%Y-%m-%d}"),
            ]
        )
    return table


def client_results(results: QuerySet[ComplianceResult], *, client) -> QuerySet:
    """What concerns a client: its own SLA targets, and the standards of the providers
    designated for it (measured over all their clients)."""
    designated = Designation.objects.filter(client=client).values("provider_id")
    return results.filter(
        Q(scope=ComplianceScope.SLA, client=client)
        | Q(scope=ComplianceScope.MSS, provider_id__in=designated)
    )


def client_records(user, client) -> QuerySet[ServiceRecord]:
    return record_queryset(user=user).filter(client=client)


def provider_records(provider) -> QuerySet[ServiceRecord]:
    """A provider's records, for users whose scope covers the provider (every record of
    a provider in scope is visible: ``record_queryset``)."""
    return ServiceRecord.objects.filter(provider=provider)
