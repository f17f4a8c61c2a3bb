"""What a dashboard shows: tables of cells that the page renders, the charts draw and the
CSV/XLSX exports write, so the three always hold the same figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Cell:
    """One figure: ``value`` is exported, ``text`` shown, ``href`` drills down, ``css``
    colours it (classes only: the CSP allows no inline style)."""

    value: object
    text: str | None = None
    href: str = ""
    css: str = ""
    note: str = ""

    @property
    def shown(self) -> str:
        if self.text is not None:
            return self.text
        return "" if self.value is None else str(self.value)


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False


@dataclass
class Table:
    """A titled table; ``chart`` (optional) says how the browser draws it."""

    key: str
    caption: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    chart: dict | None = None
    note: str = ""
    note_href: str = ""
    empty: str = "Nothing to show for these filters."
    # A different shape for the exports (e.g. the heatmap, long format), when needed.
    export_columns: list[str] | None = None
    export_rows: list[list] | None = None

    def header(self) -> list[str]:
        return self.export_columns or [c.label for c in self.columns]

    def values(self) -> list[list]:
        if self.export_rows is not None:
            return self.export_rows
        return [[cell.value for cell in row] for row in self.rows]


def pct(met: int, eligible: int) -> Decimal | None:
    """Attainment in percent, two decimals (None when nothing was eligible)."""
    if not eligible:
        return None
    return (Decimal(met) * 100 / Decimal(eligible)).quantize(Decimal("0.01"))


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
