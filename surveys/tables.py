"""The survey campaigns' list table, each column declared once (see ``core.tables``): on
narrow screens each campaign becomes a block headed by its name."""

from django.template.defaultfilters import date
from django.urls import reverse

from core.tables import Cell, Column, ListTable, badge

CAMPAIGNS = ListTable(
    key="campaigns",
    caption="Survey campaigns",
    css="data stack",
    columns=[
        Column(
            "Campaign",
            sort="name",
            cell=lambda c: Cell(
                c.name,
                href=reverse("surveys:campaign-detail", args=[c.pk]),
                after=badge("demo", "badge-illustrative") if c.is_demo else "",
            ),
        ),
        Column(
            "Opens",
            sort="opens_on",
            css="nowrap",
            cell=lambda c: Cell(c.opens_on, date(c.opens_on, "Y-m-d")),
        ),
        Column(
            "Closes",
            sort="closes_on",
            css="nowrap",
            cell=lambda c: Cell(c.closes_on, date(c.closes_on, "Y-m-d")),
        ),
        Column(
            "Status",
            cell=lambda c: Cell(c.status, c.get_status_display(), badge=f"badge-survey-{c.status}"),
        ),
    ],
    empty="No campaign yet: you see a campaign here once you are invited to one, or once "
    "one asks about your services.",
    empty_filtered="No campaign matches these filters.",
)
