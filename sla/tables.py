"""The SLAs' list table, each column declared once (see ``core.tables``): on narrow
screens each SLA becomes a block headed by its number."""

from django.template.defaultfilters import date
from django.urls import reverse

from core.tables import Cell, Column, ListTable, muted


def _end(sla) -> Cell:
    end = sla.termination_date or sla.end_date
    return Cell(
        end, date(end, "Y-m-d"), after=muted("(terminated)") if sla.termination_date else ""
    )


SLAS = ListTable(
    key="slas",
    caption="SLAs",
    css="data stack sla-list",
    columns=[
        Column(
            "Number",
            sort="number",
            css="nowrap",
            cell=lambda s: Cell(s.agreement.number, href=reverse("sla:sla-detail", args=[s.pk])),
        ),
        Column("Version", True, field="version"),
        Column(
            "Provider",
            cell=lambda s: Cell(s.agreement.provider.code, title=s.agreement.provider.name),
        ),
        Column(
            "Client",
            cell=lambda s: Cell(s.agreement.client.code, title=s.agreement.client.name),
        ),
        Column("Services", True, field="line_count"),
        Column(
            "Start",
            sort="start_date",
            css="nowrap",
            cell=lambda s: Cell(s.start_date, date(s.start_date, "Y-m-d")),
        ),
        Column("End", sort="end_date", css="nowrap", cell=_end),
        Column(
            "Status",
            sort="status",
            cell=lambda s: Cell(s.status, s.get_status_display(), badge=f"badge-sla-{s.status}"),
        ),
    ],
    empty="No SLA yet.",
    empty_filtered="No SLA matches these filters.",
)
