"""The management dashboard's tables: every provider's attainment by area and month, the
kinds of measure, the standards most often breached, the open breaches and the overdue
backlog. The review pack and the provider and client dashboards reuse some of them."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from compliance.choices import ComplianceScope
from compliance.models import ComplianceResult
from compliance.selectors import records_url
from core.months import month_label
from core.tables import Cell, Column, Table

from ..queries import Facts, newest_breaches, pct, rollup
from .cells import (
    LIST_LIMIT,
    TOP,
    attainment_cell,
    band,
    kind_label,
    open_records_url,
    pct_text,
    period_params,
    results_url,
    scope_label,
    totals_cells,
    totals_columns,
    withheld_cell,
)


def heatmap(data: Facts, *, months: list[dt.date], drill: dict, key: str = "heatmap") -> Table:
    """Providers × functional areas over ``months``: attainment (met ÷ eligible), coloured
    against the eligible-weighted target, and the number of breached results, marked when
    a month of them is not over. Each cell opens the results behind it."""
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
    period = period_params(months)
    table = Table(
        key=key,
        caption="Attainment by provider and functional area",
        css="data heatmap",
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
        export_marks=[],
    )
    for code in providers:
        line = [Cell(code, note=provider_names.get(code, ""))]
        for area_code, _ in areas:
            totals = cells.get((code, area_code))
            if totals is None:
                line.append(Cell(None, "—", css="heat-none"))
                continue
            href = results_url(drill, provider=code, area=area_code, **period)
            mark = totals.provisional_note
            table.export_marks.append(mark)
            if totals.figures_withheld:
                line.append(withheld_cell(href, provisional=mark))
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
                    provisional=mark,
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
    and kind (``by="kind"``), drawn as a line chart; a month not over is marked in its
    heading and its cells."""
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
        + [Column(month_label(m, data.provisional_months), numeric=True) for m in months],
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
                line.append(attainment_cell(totals, results_url(drill, period=month, **params)))
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
            *totals_columns(),
        ],
    )
    period = period_params(months)
    for kind, scope in sorted(groups):
        totals = groups[(kind, scope)]
        params = {"kind": kind, "scope": scope, **period}
        table.rows.append(
            [
                Cell(kind, kind_label(kind)),
                Cell(scope, scope_label(scope)),
                *totals_cells(totals, drill, params),
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
    period = period_params(months)
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
                attainment_cell(totals),
            ]
        )
    return table


def breaches_table(
    results: QuerySet[ComplianceResult], *, months: list[dt.date], drill: dict
) -> Table:
    """Open breaches of ``months`` (months that are over: a provisional breach is not one
    yet), newest first: the first 25 (one query) and a link to them all."""
    rows = newest_breaches(results, months=months, limit=LIST_LIMIT + 1)
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
        table.note_href = results_url(drill, status="breached", **period_params(months))
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
                Cell(
                    totals.overdue,
                    href=open_records_url(provider=provider.code),
                    provisional=totals.provisional_note,
                ),
            ]
        )
    return table
