"""The portal's one table system: every list page and every dashboard table.

A table is a caption, its columns and rows of cells. The page renders the cells
(``render_table``, the ``{% data_table %}`` tag), a dashboard's chart draws them, and
the CSV/XLSX exports (``core.exports``) write their values, so all of them always hold
the same figures.

A dashboard folds its figures into a ``Table`` itself. A list page declares its columns
once in a ``ListTable``: each column makes the page's cell of an object and, where the
page exports, the export's value of a row of the whole filtered list (read with
``values_list``, a chunk at a time). Its headers link to the FilterSet's sorting
(``?ordering=``), and an empty list says so, with a link to clear the filters.

Everything shown is escaped when rendered: a cell's text may only carry markup as a
``SafeString`` built with ``format_html`` (e.g. ``badge()``). Classes only, never a style
attribute or a script: the CSP allows neither inline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .months import PROVISIONAL_COLUMN, PROVISIONAL_MIXED
from .zones import Instant

# --------------------------------------------------------------------------------------
# Cells, columns and tables
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """A button in a cell that posts to ``url`` (with the page's CSRF token); ``detail``
    is read after the label by screen readers (which row the button acts on)."""

    url: str
    label: str
    detail: str = ""


@dataclass(frozen=True)
class Cell:
    """One figure or field: ``value`` is exported, ``text`` shown (``value`` when None; an
    instant as ``core.zones.Instant``, formatted in the viewer's zone only when the table
    is rendered, so that a table cached for many viewers shows each their own),
    ``href`` drills down or opens the object, ``css`` marks or colours the cell (classes
    only: the CSP allows no inline style), ``note`` adds a small line below it.

    For list pages also: ``title`` spells out an abbreviated text (``<abbr>``), ``badge``
    shows the text as a badge of that class (e.g. ``badge-open``), ``after`` follows the
    text (plain text, or a fragment from ``badge()`` or ``muted()``), ``action`` is a
    button that posts.

    ``provisional`` marks a figure of a month that is not over (``core.months.PROVISIONAL``
    or ``PROVISIONAL_MIXED``): shown below it, and carried by the exports (``Table``)."""

    value: object
    text: str | Instant | None = None
    href: str = ""
    css: str = ""
    note: str = ""
    title: str = ""
    badge: str = ""
    after: str = ""
    action: Action | None = None
    provisional: str = ""

    @property
    def shown(self) -> str | Instant:
        if self.text is not None:
            return self.text
        return "" if self.value is None else str(self.value)


@dataclass(frozen=True)
class Column:
    """A column: its ``label`` heads it on the page; ``numeric`` aligns it right.

    In a ``ListTable`` a column also says where its figures come from: ``field`` (a
    lookup path such as ``provider__code``) is read for the page and the export,
    ``cell(obj)`` makes the page's cell (by default the field's value), ``export(value)``
    turns the field's value into the exported one (by default as it is), under the header
    ``name`` (by default the label). ``sort`` is the ``?ordering=`` value that sorts the
    list by it, ``css`` the classes of each of its cells. A column may be shown only on
    the page (``exported=False``, or no field) or only in the export (``page=False``).
    """

    label: str
    numeric: bool = False
    name: str = ""
    field: str = ""
    cell: Callable[[Any], Cell] | None = None
    export: Callable[[Any], object] | None = None
    sort: str = ""
    css: str = ""
    page: bool = True
    exported: bool = True

    @property
    def header(self) -> str:
        """Its header in the exports."""
        return self.name or self.label

    def cell_of(self, obj) -> Cell:
        """The page's cell of ``obj``: ``cell(obj)``, or the field's value ("—" when
        empty)."""
        if self.cell is not None:
            return self.cell(obj)
        value = resolve(obj, self.field)
        return Cell(value, "—" if value is None or value == "" else None)


def resolve(obj, path: str):
    """The value at a lookup path (``provider__code`` → ``obj.provider.code``); None once
    a step is None."""
    for step in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, step)
    return obj


@dataclass
class Table:
    """A titled table; ``chart`` (optional) says how the browser draws it.

    ``css`` holds the table's classes (``data``, and ``compact``, ``stack``: one block per
    row on narrow screens, each cell labelled by its column, ``heatmap``...).
    ``row_headers``: the first cell of a row heads it (``<th scope="row">``). ``figures``:
    each cell carries its value (``data-value``), which the charts read. ``row_css``, when
    given, holds the classes of each row. ``ordering`` and ``query`` (the page's query
    without its page and ordering) make the sorting links of the sortable columns.
    ``empty`` is said when there is no row, followed by ``empty_link`` (text, href) if
    any.

    Exports: a table whose rows hold a provisional figure (``Cell.provisional``), or that
    shows a provisional period (``provisional``, set by the page), gets one more column,
    ``provisional``, with each row's mark (empty on final rows); a table with its own
    export shape gives the marks of its ``export_rows`` in ``export_marks``. ``undated``:
    its figures are of now (open records, designations), not of the months the page
    shows."""

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
    export_marks: list[str] | None = None
    provisional: bool = False
    undated: bool = False
    css: str = "data"
    row_headers: bool = True
    figures: bool = True
    row_css: list[str] | None = None
    ordering: str = ""
    query: str = ""
    empty_link: tuple[str, str] | None = None

    def header(self) -> list[str]:
        header = list(self.export_columns or [c.header for c in self.columns])
        return [*header, PROVISIONAL_COLUMN] if self.marked() else header

    def values(self) -> list[list]:
        if self.export_rows is not None:
            rows = self.export_rows
        else:
            rows = [[cell.value for cell in row] for row in self.rows]
        if not self.marked():
            return rows
        return [[*row, mark] for row, mark in zip(rows, self.marks(), strict=True)]

    def marked(self) -> bool:
        """Whether the exports carry the ``provisional`` column."""
        return self.provisional or any(self.marks())

    def marks(self) -> list[str]:
        """Each exported row's provisional mark ("" when its figures are final): the mark
        its cells share, or ``PROVISIONAL_MIXED`` when they differ."""
        if self.export_rows is not None:
            return self.export_marks or [""] * len(self.export_rows)
        marks = []
        for row in self.rows:
            found = {cell.provisional for cell in row if cell.provisional}
            marks.append(found.pop() if len(found) == 1 else PROVISIONAL_MIXED if found else "")
        return marks


# --------------------------------------------------------------------------------------
# A list page's table, declared once
# --------------------------------------------------------------------------------------


class ListTable:
    """A list page's table: its columns, declared once, make the cells of the page's
    objects (``page``) and the rows of the export of the whole filtered list
    (``export_header``, ``export_rows``).

    ``empty`` is said when the list has nothing at all, ``empty_filtered`` when nothing
    matches the filters (followed by a link that clears them). The caption says when the
    list is filtered and, when a column sorts, how to sort."""

    def __init__(
        self,
        key: str,
        caption: str,
        columns: Iterable[Column],
        *,
        empty: str,
        empty_filtered: str = "",
        css: str = "data",
        row_css: Callable[[Any], str] | None = None,
    ):
        self.key = key
        self.caption = caption
        self.columns = list(columns)
        self.empty = empty
        self.empty_filtered = empty_filtered or empty
        self.css = css
        self.row_css = row_css

    @property
    def page_columns(self) -> list[Column]:
        return [c for c in self.columns if c.page]

    @property
    def export_columns(self) -> list[Column]:
        return [c for c in self.columns if c.exported and c.field]

    def page(self, objects: Iterable, *, query=None, filtered: bool = False, path: str = ""):
        """The table of the page's ``objects``. ``query``: the request's GET (for the
        sorting links); ``path``: the page's path (for the link that clears the
        filters)."""
        objects = list(objects)
        columns = self.page_columns
        caption = self.caption + (" matching the filters" if filtered else "")
        if any(c.sort for c in columns):
            caption += "; select a column heading to sort"
        ordering, rest = "", ""
        if query is not None:
            query = query.copy()
            query.pop("page", None)
            ordering = (query.pop("ordering", None) or [""])[-1]
            rest = query.urlencode()
        return Table(
            key=self.key,
            caption=caption,
            columns=columns,
            rows=[[c.cell_of(obj) for c in columns] for obj in objects],
            empty=self.empty_filtered if filtered else self.empty,
            empty_link=("Clear the filters", path or "?") if filtered else None,
            css=self.css,
            row_headers=False,
            figures=False,
            row_css=[self.row_css(obj) for obj in objects] if self.row_css else None,
            ordering=ordering,
            query=rest,
        )

    def export_header(self) -> list[str]:
        return [c.header for c in self.export_columns]

    def export_rows(self, queryset, *, chunk_size: int = 2000) -> Iterator[list]:
        """The export's rows of every object of ``queryset``, read a chunk at a time (one
        query, constant memory whatever the number of rows)."""
        columns = self.export_columns
        rows = queryset.values_list(*(c.field for c in columns)).iterator(chunk_size=chunk_size)
        for row in rows:
            yield [
                c.export(value) if c.export is not None else value
                for c, value in zip(columns, row, strict=True)
            ]


# --------------------------------------------------------------------------------------
# Fragments for a cell's ``after``
# --------------------------------------------------------------------------------------


def badge(text: str, css: str) -> SafeString:
    """A badge (``css``: its colour class, e.g. ``badge-pipeline``)."""
    return format_html('<span class="badge {}">{}</span>', css, text)


def muted(text: str) -> SafeString:
    """A small, muted remark (e.g. "provisional")."""
    return format_html('<span class="muted small">{}</span>', text)


# --------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------


def _value(value) -> str:
    return "" if value is None else escape(str(value))


def _header(table: Table, column: Column) -> str:
    css = ' class="num"' if column.numeric else ""
    label = escape(column.label)
    if not column.sort:
        return f'<th scope="col"{css}>{label}</th>'
    current = table.ordering
    ascending, descending = current == column.sort, current == f"-{column.sort}"
    target = f"-{column.sort}" if ascending else column.sort
    href = f"?{table.query}&ordering={target}" if table.query else f"?ordering={target}"
    sort = ""
    if ascending or descending:
        sort = f' aria-sort="{"ascending" if ascending else "descending"}"'
        label += f'<span aria-hidden="true"> {"▲" if ascending else "▼"}</span>'
    return f'<th scope="col"{css}{sort}><a href="{escape(href)}">{label}</a></th>'


def _content(cell: Cell, csrf_token) -> str:
    shown = conditional_escape(cell.shown)
    if cell.title:
        shown = f'<abbr title="{escape(cell.title)}">{shown}</abbr>'
    if cell.badge:
        shown = f'<span class="badge {escape(cell.badge)}">{shown}</span>'
    if cell.href:
        shown = f'<a href="{escape(cell.href)}">{shown}</a>'
    if cell.after:
        shown += f" {conditional_escape(cell.after)}"
    if cell.note:
        shown += f'<div class="small muted">{escape(cell.note)}</div>'
    if cell.provisional:
        shown += f'<div class="small provisional">{escape(cell.provisional)}</div>'
    if cell.action:
        action = cell.action
        detail = (
            f'<span class="visually-hidden">: {escape(action.detail)}</span>'
            if action.detail
            else ""
        )
        shown += (
            f'<form method="post" action="{escape(action.url)}" class="inline">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(csrf_token))}">'
            f'<button type="submit" class="text-button">{escape(action.label)}{detail}</button>'
            "</form>"
        )
    return shown


def _empty(table: Table) -> str:
    link = ""
    if table.empty_link:
        text, href = table.empty_link
        link = f' <a href="{escape(href)}">{escape(text)}</a>.'
    return f'<p class="empty">{escape(table.empty)}{link}</p>'


def render_table(table: Table, *, csrf_token: object = "") -> SafeString:
    """The table as HTML in a scrolling box, or its empty state when it has no row.

    Note: a dashboard holds hundreds of cells; looping over them in the template language
    cost most of a page's time, so the markup is assembled here, every value escaped.
    With ``figures``, every cell carries ``data-value``: the chart script reads its
    figures from there, so the chart and its accessible table always agree.
    ``csrf_token`` (read only by a cell's action) may be the page's lazy token."""
    if not table.rows:
        # Reviewed: every value is escaped in _empty() (bandit B308/B703, ruff S308).
        return mark_safe(_empty(table))  # noqa: S308  # nosec B308 B703
    attrs = f' class="{escape(table.css)}"' if table.css else ""
    chart = table.chart
    if chart:
        attrs += (
            f' data-chart-for="{escape(table.key)}-chart"'
            f' data-chart-type="{escape(chart["type"])}"'
            f' data-chart-unit="{escape(chart.get("unit", ""))}"'
        )
        if chart.get("value_column") is not None:
            attrs += f' data-chart-column="{int(chart["value_column"])}"'
        if chart.get("stacked"):
            attrs += ' data-chart-stacked="true"'
    stack = "stack" in table.css.split()
    columns = table.columns
    column_css = [
        " ".join(c for c in ("num" if column.numeric else "", column.css) if c)
        for column in columns
    ]
    labels = [f' data-label="{escape(column.label)}"' if stack else "" for column in columns]
    parts = [
        '<div class="table-wrap">',
        f"<table{attrs}>",
        f'<caption class="visually-hidden">{escape(table.caption)}</caption>',
        "<thead><tr>",
        *(_header(table, column) for column in columns),
        "</tr></thead><tbody>",
    ]
    for number, row in enumerate(table.rows):
        row_css = table.row_css[number] if table.row_css else ""
        parts.append(f'<tr class="{escape(row_css)}">' if row_css else "<tr>")
        for index, cell in enumerate(row):
            shown = _content(cell, csrf_token)
            value = f' data-value="{_value(cell.value)}"' if table.figures else ""
            if index == 0 and table.row_headers:
                # The chart's label: the text shown, not the value.
                value = f' data-value="{escape(cell.shown)}"' if table.figures else ""
                parts.append(f'<th scope="row"{value}>{shown}</th>')
                continue
            classes = " ".join(c for c in (column_css[index], cell.css) if c)
            css = f' class="{escape(classes)}"' if classes else ""
            # On narrow screens a stacked row's first cell heads its block, unlabelled.
            label = labels[index] if index else ""
            parts.append(f"<td{css}{label}{value}>{shown}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table></div>")
    # Reviewed: every value above goes through escape() or conditional_escape(), which
    # passes only SafeStrings built by format_html (bandit B308/B703, ruff S308).
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703
