"""Tables of cells that a page renders, a chart draws and the CSV/XLSX exports write, so
that all of them always hold the same figures."""

from __future__ import annotations

from dataclasses import dataclass, field


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
