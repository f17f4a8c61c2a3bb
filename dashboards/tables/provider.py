"""The provider dashboard's tables: where a provider misses its targets most, by client
and by service, and its completed records month by month (the review pack shows these
volumes per provider)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import QuerySet

from compliance.choices import ComplianceScope
from compliance.models import ComplianceResult
from core.months import PROVISIONAL, month_label, provisional_note
from core.tables import Cell, Column, Table

from ..queries import SATISFACTION, Facts, client_misses, rollup
from .cells import TOP, attainment_cell, period_params, results_url


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
    groups = client_misses(results, months=months, top=TOP)
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
    period = period_params(months)
    for code, name, totals in groups:
        params = {group: code, **period}
        table.rows.append(
            [
                Cell(code, note=name),
                Cell(totals.breached, href=results_url(drill, status="breached", **params)),
                Cell(totals.results, href=results_url(drill, **params)),
                attainment_cell(totals),
            ]
        )
    return table


def volumes(data: Facts, *, months: list[dt.date], by: str, key: str = "volumes") -> Table:
    """Completed records month by month, per service (``by="service"``) or per provider,
    drawn as a stacked bar chart. The completed records of a (provider, service, month)
    are the eligible count of its record-based standards (they all count the same
    records; satisfaction counts survey answers instead). A month not over is marked."""
    names = data.names
    per_service: dict[tuple, int] = {}
    open_months: set[tuple] = set()  # (provider, service, month) not over
    for f in data.of(months):
        if f.scope == ComplianceScope.MSS and f.kind != SATISFACTION:
            slot = (f.provider_id, f.service_id, f.period)
            per_service[slot] = max(per_service.get(slot, 0), f.largest)
            if f.provisional:
                open_months.add(slot)
    totals: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    provisional: dict[str, set] = defaultdict(set)
    labels = {}
    for (provider_id, service_id, period), volume in per_service.items():
        if by == "service":
            service = names.services[service_id]
            code, labels[service.code] = service.code, service.name
        else:
            code = names.provider(provider_id)
        totals[code][period] += volume
        if (provider_id, service_id, period) in open_months:
            provisional[code].add(period)
    table = Table(
        key=key,
        caption=f"Completed records by {by}, month by month",
        columns=[Column(by.capitalize())]
        + [Column(month_label(m, data.provisional_months), numeric=True) for m in months]
        + [Column("Total", True)],
        chart={"type": "bar", "stacked": True, "unit": "records"},
        empty="No completed record in these months.",
    )
    for code in sorted(totals):
        if not sum(totals[code].values()):
            continue  # measured, but nothing completed in these months
        line = [Cell(code, note=labels.get(code, ""))]
        line += [
            Cell(totals[code].get(m, 0), provisional=PROVISIONAL if m in provisional[code] else "")
            for m in months
        ]
        line.append(
            Cell(
                sum(totals[code].values()),
                provisional=provisional_note(totals[code], provisional[code]),
            )
        )
        table.rows.append(line)
    return table
