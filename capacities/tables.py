"""The tables of support capacities, each column declared once (see ``core.tables``): the
list page, and the three tables of the duplication analysis (page and exports)."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from core.currencies import rate_text
from core.tables import Cell, Column, ListTable, Table, badge

ILLUSTRATIVE = "illustrative"


def posts_text(value: Decimal | None) -> str:
    """Posts as people write them: 3, 2.5, 0.25."""
    return "—" if value is None else f"{value.normalize():f}"


def money_text(value: Decimal | None, currency: str) -> str:
    if value is None:
        return "—"
    return f"{rate_text(value, currency)} {currency}".strip()


def client_path(code: str) -> str:
    return reverse("catalogue:cliententity-detail", args=[code])


def service_path(code: str) -> str:
    return reverse("catalogue:service-detail", args=[code])


def provider_path(code: str) -> str:
    return reverse("catalogue:serviceprovider-detail", args=[code])


def illustrative_badge(flag: bool) -> SafeString | str:
    return badge(ILLUSTRATIVE, "badge-illustrative") if flag else ""


def _hardship_cell(hardship_class: str, illustrative: bool) -> Cell:
    if not hardship_class:
        return Cell("", "—")
    return Cell(hardship_class, after=illustrative_badge(illustrative))


def _station_class(c) -> tuple[str, bool]:
    hardship = getattr(c.duty_station, "hardship", None)
    if hardship is None:
        return "", False
    return hardship.hardship_class, hardship.is_illustrative


def capacities_table(*, may_change) -> ListTable:
    """The support capacities; ``may_change(capacity)`` says whether to offer its change
    link."""
    columns = [
        Column(
            "Client entity",
            sort="client",
            name="client",
            field="client__code",
            cell=lambda c: Cell(
                c.client.code,
                href=reverse("capacities:capacity-detail", args=[c.pk]),
                note=c.client.name,
                after=illustrative_badge(c.is_demo),
            ),
        ),
        Column(
            "Duty station",
            sort="duty_station",
            name="duty_station",
            field="duty_station__code",
            cell=lambda c: Cell(c.duty_station.code, note=c.duty_station.name),
        ),
        Column(
            "Hardship class",
            name="hardship_class",
            field="duty_station__hardship__hardship_class",
            cell=lambda c: _hardship_cell(*_station_class(c)),
        ),
        Column(
            "Area",
            sort="area",
            name="area",
            field="area__code",
            cell=lambda c: Cell(c.area.code, note=c.area.name),
        ),
        Column(
            "Served by",
            name="served_by",
            field="served_by__code",
            cell=lambda c: (
                Cell(c.served_by.code, href=provider_path(c.served_by.code), note=c.served_by.name)
                if c.served_by
                else Cell("", "in-house")
            ),
        ),
        Column(
            "Posts",
            True,
            sort="posts",
            name="posts",
            field="posts",
            cell=lambda c: Cell(c.posts, posts_text(c.posts)),
        ),
        Column(
            "Annual cost",
            True,
            sort="annual_cost",
            name="annual_cost",
            field="annual_cost",
            cell=lambda c: Cell(c.annual_cost, money_text(c.annual_cost, c.currency)),
        ),
        Column("Currency", name="currency", field="currency", page=False),
        Column("Illustrative", name="illustrative", field="is_demo", page=False),
        Column(
            "",
            exported=False,
            cell=lambda c: Cell(
                "",
                "Change" if may_change(c) else "",
                href=reverse("capacities:capacity-edit", args=[c.pk]) if may_change(c) else "",
            ),
        ),
    ]
    return ListTable(
        key="capacities",
        caption="Support capacities",
        css="data stack",
        columns=columns,
        empty="No support capacity recorded yet: the entities' focal points and catalogue "
        "managers record them.",
        empty_filtered="No support capacity matches these filters.",
    )


# --- the duplication analysis ----------------------------------------------------------


def _teams_after(teams) -> SafeString:
    return format_html_join(
        "; ",
        '<a href="{}">{}</a> {} posts{}',
        (
            (
                client_path(t.client_code),
                t.client_code,
                posts_text(t.posts),
                format_html(" ({})", money_text(t.annual_cost, t.currency))
                if t.annual_cost is not None
                else "",
            )
            for t in teams
        ),
    )


def _teams_value(teams) -> str:
    return "; ".join(
        f"{t.client_code} {posts_text(t.posts)}"
        + (f" ({money_text(t.annual_cost, t.currency)})" if t.annual_cost is not None else "")
        for t in teams
    )


def _total_cost(f) -> Cell:
    if f.currency == "several":
        return Cell(None, "several currencies")
    if f.total_cost is None:
        return Cell(None, "—")
    return Cell(
        f.total_cost,
        money_text(f.total_cost, f.currency),
        note=f"{f.costed} of {f.entities} teams costed" if f.costed < f.entities else "",
    )


def local_sharing_table(findings) -> Table:
    columns = [
        Column("Duty station"),
        Column("Hardship class"),
        Column("Area"),
        Column("Entities", True),
        Column("Teams (posts, annual cost)"),
        Column("Total posts", True),
        Column("Total annual cost", True),
        Column("Currency"),
        Column("Illustrative"),
    ]
    rows = [
        [
            Cell(f.duty_station_code, note=f.duty_station_name),
            _hardship_cell(f.hardship_class, f.hardship_illustrative),
            Cell(f.area_code, note=f.area_name),
            Cell(f.entities),
            Cell(_teams_value(f.teams), "", after=_teams_after(f.teams)),
            Cell(f.total_posts, posts_text(f.total_posts)),
            _total_cost(f),
            Cell(f.currency, f.currency or "—"),
            Cell(f.illustrative, "", after=illustrative_badge(f.illustrative)),
        ]
        for f in findings
    ]
    return Table(
        key="local-sharing",
        caption="Duty stations where several entities run their own team for one area",
        columns=columns,
        rows=rows,
        undated=True,
        empty="No duty station has two entities running their own team for the same area.",
    )


def _providers_after(providers) -> SafeString:
    return format_html_join(
        ", ",
        '<a href="{}">{}</a> ({})',
        ((provider_path(p.code), p.code, p.scope) for p in providers),
    )


def consolidation_table(findings) -> Table:
    columns = [
        Column("Client entity"),
        Column("Duty station"),
        Column("Area"),
        Column("Own posts", True),
        Column("Annual cost", True),
        Column("Currency"),
        Column("Location-independent service"),
        Column("Offered by"),
        Column("Illustrative"),
    ]
    rows = [
        [
            Cell(f.client_code, href=client_path(f.client_code), note=f.client_name),
            Cell(f.duty_station_code, note=f.duty_station_name),
            Cell(f.area_code),
            Cell(f.posts, posts_text(f.posts)),
            Cell(f.annual_cost, money_text(f.annual_cost, f.currency)),
            Cell(f.currency, f.currency or "—"),
            Cell(f.service_code, href=service_path(f.service_code), note=f.service_name),
            Cell(f.provider_codes, "", after=_providers_after(f.providers)),
            Cell(f.illustrative, "", after=illustrative_badge(f.illustrative)),
        ]
        for f in findings
    ]
    return Table(
        key="consolidation",
        caption="Own teams for location-independent services that global or regional "
        "providers offer",
        columns=columns,
        rows=rows,
        undated=True,
        empty="No entity runs its own team for a location-independent service that a global "
        "or regional provider offers at its duty station.",
    )


def hardship_table(capacities) -> Table:
    columns = [
        Column("Duty station"),
        Column("Hardship class"),
        Column("Client entity"),
        Column("Area"),
        Column("Posts", True),
        Column("Annual cost", True),
        Column("Currency"),
        Column("Illustrative"),
    ]
    rows = []
    for c in capacities:
        hardship_class, class_illustrative = _station_class(c)
        rows.append(
            [
                Cell(c.duty_station.code, note=c.duty_station.name),
                _hardship_cell(hardship_class, class_illustrative),
                Cell(c.client.code, href=client_path(c.client.code), note=c.client.name),
                Cell(c.area.code, note=c.area.name),
                Cell(c.posts, posts_text(c.posts)),
                Cell(c.annual_cost, money_text(c.annual_cost, c.currency)),
                Cell(c.currency, c.currency or "—"),
                Cell(c.is_demo, "", after=illustrative_badge(c.is_demo)),
            ]
        )
    return Table(
        key="hardship",
        caption="Own teams at hardship duty stations",
        columns=columns,
        rows=rows,
        undated=True,
        empty="No entity runs its own team at a duty station of a hardship class.",
    )
