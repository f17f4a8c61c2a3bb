"""What every dashboard table shares: labels, the links a figure drills down to, and the
cells and columns of a group of results' totals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils.http import urlencode

from catalogue.choices import MeasureKind
from compliance.choices import ComplianceScope
from compliance.models import WITHHELD_NOTE
from core.tables import Cell, Column
from records.choices import RecordStatus

from ..queries import Totals

TOP = 10
LIST_LIMIT = 25


def pct_text(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def band(attainment: Decimal | None, target: Decimal | None) -> str:
    """Heat colour: met (attainment ≥ the eligible-weighted target), near (within 2
    points), missed; none without data."""
    if attainment is None or target is None:
        return "heat-none"
    if attainment >= target:
        return "heat-met"
    if attainment >= target - 2:
        return "heat-near"
    return "heat-missed"


def kind_label(kind: str) -> str:
    if kind in MeasureKind.values:
        return MeasureKind(kind).label
    return kind.replace("_", " ").capitalize()


def scope_label(scope: str) -> str:
    return "Standards" if scope == ComplianceScope.MSS else "SLA targets"


def period_params(months: list[dt.date]) -> dict:
    if len(months) == 1:
        return {"period": months[0]}
    return {"period_from": months[0], "period_to": months[-1]}


# --------------------------------------------------------------------------------------
# Links
# --------------------------------------------------------------------------------------


def results_url(drill: dict, **params) -> str:
    """The compliance results page (``/compliance/``) filtered: the drill-down of a figure,
    with the dashboard's own filters (``drill``) unless the figure sets them itself."""
    query = {k: v for k, v in {**drill, **params}.items() if v not in (None, "")}
    for key, value in list(query.items()):
        if isinstance(value, dt.date):
            query[key] = f"{value:%Y-%m}"
    return f"{path('compliance:compliance-list')}?{urlencode(query)}"


def open_records_url(**params) -> str:
    query = {"status": RecordStatus.OPEN, "ordering": "received_at"}
    query.update({k: v for k, v in params.items() if v})
    return f"{path('records:servicerecord-list')}?{urlencode(query)}"


_PATHS: dict[str, str] = {}


def path(name: str) -> str:
    # Note: hundreds of links per page; reverse() each name once per process.
    if name not in _PATHS:
        _PATHS[name] = reverse(name)
    return _PATHS[name]


# --------------------------------------------------------------------------------------
# Cells and columns of totals
# --------------------------------------------------------------------------------------


def attainment_cell(totals: Totals, href: str = "", coloured: bool = False) -> Cell:
    """The attainment of some results, marked when a month of them is not over."""
    if totals.figures_withheld:
        return withheld_cell(href, provisional=totals.provisional_note)
    value = totals.attainment
    return Cell(
        value,
        pct_text(value),
        href=href,
        css=band(value, totals.target) if coloured else "",
        provisional=totals.provisional_note,
    )


def withheld_cell(href: str = "", provisional: str = "") -> Cell:
    """Survey anonymity: no figure (blank in the exports), and why."""
    return Cell(None, WITHHELD_NOTE, href=href, css="heat-none", provisional=provisional)


def count_cell(totals: Totals, value: int, href: str = "") -> Cell:
    """An eligible or met count, unless the totals' figures are withheld."""
    return withheld_cell() if totals.figures_withheld else Cell(value, href=href)


def totals_columns(eligible: str = "Eligible", met: str = "Met") -> list[Column]:
    """The figures of a group of results: how many, eligible, met, attainment, breaches."""
    return [
        Column("Results", True),
        Column(eligible, True),
        Column(met, True),
        Column("Attainment", True),
        Column("Breached", True),
    ]


def totals_cells(totals: Totals, drill: dict, params: dict, coloured: bool = False) -> list:
    """The cells under ``totals_columns``; the counts of results link to them, and the
    attainment says when a month of them is not over."""
    return [
        Cell(totals.results, href=results_url(drill, **params)),
        count_cell(totals, totals.eligible),
        count_cell(totals, totals.met),
        attainment_cell(totals, coloured=coloured),
        Cell(totals.breached, href=results_url(drill, status="breached", **params)),
    ]
