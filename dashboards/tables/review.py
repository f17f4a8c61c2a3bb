"""The review pack's own tables: breaches per provider and month, and client
satisfaction (the pack also shows the management dashboard's heatmap, trend, kinds and
most breached standards, and the provider dashboard's volumes, over a half-year)."""

from __future__ import annotations

import datetime as dt

from core.months import month_label, provisional_note
from core.tables import Cell, Column, Table

from ..queries import SATISFACTION, Facts, rollup
from .cells import period_params, results_url, totals_cells, totals_columns


def breaches_by_month(data: Facts, *, months: list[dt.date], drill: dict) -> Table:
    """Breached results per provider and month; a month not over is marked."""
    names = data.names
    counts = rollup(data.of(months), lambda f: (names.provider(f.provider_id), f.period))
    table = Table(
        key="breaches-by-month",
        caption="Breached results per provider and month",
        columns=[Column("Provider")]
        + [Column(month_label(m, data.provisional_months), True) for m in months]
        + [Column("Total", True)],
        chart={"type": "bar", "stacked": True, "unit": "results"},
        empty="No breach in these months.",
    )
    providers = sorted({code for code, _ in counts})
    for code in providers:
        line, total, covered, provisional = [Cell(code)], 0, set(), set()
        for month in months:
            totals = counts.get((code, month))
            n = totals.breached if totals else 0
            total += n
            if totals:
                covered |= totals.months
                provisional |= totals.provisional
            href = results_url(drill, provider=code, period=month, status="breached")
            mark = totals.provisional_note if totals else ""
            line.append(Cell(n, href=href if n else "", provisional=mark))
        line.append(Cell(total, provisional=provisional_note(covered, provisional)))
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
            *totals_columns(eligible="Answers", met="Satisfied (4–5)"),
        ],
        empty="No satisfaction results yet: they appear here once the client satisfaction "
        "survey has answers and compliance has been computed.",
    )
    period = period_params(months)
    for code in sorted(groups):
        totals = groups[code]
        if not totals.eligible:
            continue  # no answers in these months (its results say no_data)
        params = {"provider": code, "kind": SATISFACTION, **period}
        table.rows.append(
            [
                Cell(code),
                *totals_cells(totals, drill, params, coloured=True),
            ]
        )
    return table
