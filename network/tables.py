"""The advisor's ranking and the map's accessible tables (``core.tables``)."""

from catalogue.choices import OfferingScope
from core.months import PROVISIONAL
from core.tables import Cell, Column, Table, badge

from .scoring import FACTORS, LABELS, NO_DATA, WEIGHTS
from .selectors import BANDS, NO_DATA_BAND, NOT_SHOWN_BAND, Advice, NetworkMap


def _factor_cell(factor) -> Cell:
    if factor.no_data:
        how = "no data: adds 0"
    else:
        how = f"{factor.score} × {factor.weight} = {factor.points_shown}"
    note = f"{factor.note} · {how}" if factor.note else how
    value = None if factor.no_data else factor.score
    return Cell(value, factor.text if factor.text else NO_DATA, note=note)


def advice_table(advice: Advice) -> Table:
    """One row per provider offering the service, best first: every factor and the total."""
    table = Table(
        key="designation-advice",
        caption=f"Providers of {advice.service.code} for {advice.client.code}, ranked",
        columns=[
            Column("Rank", True),
            Column("Provider"),
            *(Column(f"{LABELS[name]} (weight {WEIGHTS[name]})") for name in FACTORS),
            Column("Score (of 100)", True),
        ],
        empty=advice.message or "No provider offers this service.",
        css="data stack",
        figures=False,
    )
    for c in advice.candidates:
        after = badge("designated now", "badge-live") if c.designated else ""
        table.rows.append(
            [
                Cell(c.position),
                Cell(
                    c.code,
                    note=f"{c.name} · {c.extra['duty_station']} · months "
                    f"{c.extra['first_month']:%Y-%m} to {c.extra['last_month']:%Y-%m}",
                    after=after,
                ),
                *(_factor_cell(c.factors[name]) for name in FACTORS),
                Cell(
                    c.score,
                    note=("no data: " + ", ".join(c.missing)) if c.missing else "",
                ),
            ]
        )
    return table


BAND_LABELS = {name: label for name, _floor, label in BANDS} | {
    NO_DATA_BAND[0]: NO_DATA,
    NOT_SHOWN_BAND[0]: NOT_SHOWN_BAND[2],
}
SCOPE_LABELS = dict(OfferingScope.choices)


def _place(point) -> str:
    if point.station is None:
        return "no duty station"
    station = f"{point.station.name} ({point.station.code})"
    return station if point.located else f"{station}, location not known"


def provider_table(network: NetworkMap) -> Table:
    table = Table(
        key="network-providers",
        caption="Providers, by attainment of the minimum service standards in their last "
        "complete month",
        columns=[
            Column("Provider"),
            Column("Duty station"),
            Column("Scope"),
            Column("Month"),
            Column("Attainment", True),
            Column("Colour band"),
        ],
        empty="No provider for this filter.",
        css="data stack",
        figures=False,
    )
    for p in network.providers:
        if not p.shown:
            # Why it is not shown is said once, above the map (a note here would repeat
            # it on every row).
            attainment = Cell(None, NOT_SHOWN_BAND[2])
        elif p.attainment is not None:
            attainment = Cell(
                p.attainment,
                f"{p.attainment * 100:.1f}%",
                note=f"{p.met} of {p.eligible}",
                provisional=PROVISIONAL if p.provisional else "",
            )
        else:
            attainment = Cell(None, NO_DATA)
        table.rows.append(
            [
                Cell(p.code, note=p.name),
                Cell(_place(p)),
                Cell(SCOPE_LABELS.get(p.scope, "—"), note=", ".join(p.countries)),
                Cell(f"{p.month:%Y-%m}" if p.month else "—"),
                attainment,
                Cell(p.band, BAND_LABELS[p.band]),
            ]
        )
    return table


def client_table(network: NetworkMap) -> Table:
    table = Table(
        key="network-clients",
        caption="Client entities served",
        columns=[Column("Client entity"), Column("Duty station")],
        empty="No client entity with a designation in force for this filter.",
        css="data stack",
        figures=False,
    )
    for p in network.clients:
        table.rows.append([Cell(p.code, note=p.name), Cell(_place(p))])
    return table


def designation_table(network: NetworkMap) -> Table:
    table = Table(
        key="network-designations",
        caption=f"Designations in force on {network.on:%Y-%m-%d}",
        columns=[
            Column("Client entity"),
            Column("Service or area"),
            Column("Provider"),
            Column("From"),
            Column("To"),
        ],
        empty="No designation in force for this filter.",
        css="data stack",
        figures=False,
        undated=True,
    )
    for d in network.designations:
        what = d.service if d.service is not None else d.area
        kind = "service" if d.service is not None else "area"
        table.rows.append(
            [
                Cell(d.client.code),
                Cell(what.code, note=f"{kind}: {what.name}"),
                Cell(d.provider.code),
                Cell(d.valid_from.isoformat()),
                Cell(d.valid_to.isoformat() if d.valid_to else "—"),
            ]
        )
    return table
