"""The compliance results' list table, each column declared once (see ``core.tables``).

A result whose figures are withheld (survey anonymity) shows why instead of its met and
eligible counts, its attainment and its status."""

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import format_html

from core.months import PROVISIONAL
from core.tables import Cell, Column, ListTable, muted

from .selectors import records_url
from .templatetags.compliance import percent


def _month(result) -> Cell:
    after = muted(PROVISIONAL) if result.provisional else ""
    return Cell(result.period, f"{result.period:%Y-%m}", after=after)


def _measure(result) -> Cell:
    return Cell(
        result.standard.code,
        format_html('<span class="code">{}</span>', result.standard.code),
        after=format_html('<span class="small">{}</span>', result.service.code),
    )


def _client(result) -> Cell:
    if not result.sla_id:
        return Cell(None, "all clients", css="muted")
    return Cell(
        result.sla.agreement.number,
        href=reverse("sla:sla-detail", args=[result.sla_id]),
        after=f"({result.client.code})",
    )


def _counts(result) -> Cell:
    if result.figures_withheld:
        return Cell(None, result.WITHHELD_NOTE, href=records_url(result), css="withheld")
    return Cell(result.met, f"{result.met} / {result.eligible}", href=records_url(result))


def _attainment(result) -> Cell:
    target = muted(f"target {floatformat(result.target_pct, '-3')}%")
    if result.figures_withheld:
        return Cell(None, "", after=target)
    return Cell(result.attainment, percent(result.attainment), after=target)


def _status(result) -> Cell:
    if result.figures_withheld:
        return Cell(None, "—", css="muted")
    return Cell(result.status, result.get_status_display(), badge=f"badge-{result.status}")


RESULTS = ListTable(
    key="compliance-results",
    caption="Compliance results",
    columns=[
        Column("Month", sort="period", cell=_month),
        Column(
            "Provider",
            cell=lambda r: Cell(
                r.provider.code,
                href=reverse("compliance:provider-compliance", args=[r.provider.code]),
            ),
        ),
        Column("Measure", cell=_measure),
        Column("Client / SLA", cell=_client),
        Column("Met / eligible", True, sort="eligible", cell=_counts),
        Column("Attainment", True, cell=_attainment),
        Column("Status", sort="status", cell=_status),
        Column("Overdue open", True, field="overdue_open"),
    ],
    empty="No compliance result yet: figures appear once service records are imported and "
    "computed.",
    empty_filtered="No compliance result matches these filters.",
)
