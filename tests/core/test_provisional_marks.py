"""The provisional mark of a figure (a month not over): its words, its place in a table's
cell, and the column the exports then carry."""

import csv
import datetime as dt
import io

from core.exports import csv_response
from core.months import (
    PROVISIONAL,
    PROVISIONAL_MIXED,
    half_label,
    half_start,
    month_label,
    provisional_note,
)
from core.tables import Cell, Column, Table, render_table

MAR, APR = dt.date(2026, 3, 1), dt.date(2026, 4, 1)


def test_the_words_of_a_mark():
    assert provisional_note([MAR], []) == ""
    assert provisional_note([APR], [APR]) == PROVISIONAL == "provisional: month not over"
    assert provisional_note([MAR, APR], [APR]) == PROVISIONAL_MIXED
    assert month_label(APR, {APR}) == "Apr 2026 (provisional)" and month_label(MAR) == "Mar 2026"
    assert half_start(dt.date(2026, 6, 1)) == dt.date(2026, 1, 1)
    assert half_label(dt.date(2026, 7, 1)) == "2026-H2"


def table(**extra) -> Table:
    return Table(
        key="t",
        caption="T",
        columns=[Column("Provider"), Column("Mar 2026", True), Column("Apr 2026", True)],
        rows=[
            [Cell("UNON"), Cell(90), Cell(80, provisional=PROVISIONAL)],
            [Cell("KJSO"), Cell(95), Cell(None, "—")],
            [Cell("RSCE"), Cell(70, provisional=PROVISIONAL), Cell(1, provisional="other")],
        ],
        **extra,
    )


def test_a_marked_row_gives_the_exports_a_provisional_column():
    marked = table()
    assert marked.header() == ["Provider", "Mar 2026", "Apr 2026", "provisional"]
    assert marked.values() == [
        ["UNON", 90, 80, PROVISIONAL],
        ["KJSO", 95, None, ""],
        ["RSCE", 70, 1, PROVISIONAL_MIXED],  # marks that differ
    ]
    response = csv_response("t.csv", marked.header(), marked.values())
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1] == ["UNON", "90", "80", PROVISIONAL]


def test_without_a_mark_the_exports_keep_their_shape_unless_the_period_is_provisional():
    final = Table(key="t", caption="T", columns=[Column("A")], rows=[[Cell(1)]])
    assert (final.header(), final.values()) == (["A"], [[1]])
    final.provisional = True  # a provisional period shown, nothing of it in this table
    assert (final.header(), final.values()) == (["A", "provisional"], [[1, ""]])


def test_an_export_of_its_own_shape_gives_its_marks():
    long = Table(
        key="t",
        caption="T",
        columns=[Column("A")],
        export_columns=["provider", "attainment"],
        export_rows=[["UNON", 90], ["KJSO", 95]],
        export_marks=[PROVISIONAL, ""],
    )
    assert long.header() == ["provider", "attainment", "provisional"]
    assert long.values() == [["UNON", 90, PROVISIONAL], ["KJSO", 95, ""]]


def test_the_mark_is_shown_below_the_figure_and_escaped():
    html = render_table(table())
    assert f'<td class="num" data-value="80">80<div class="small provisional">{PROVISIONAL}' in (
        html
    )
    evil = Table(
        key="t",
        caption="T",
        columns=[Column("A"), Column("B")],
        rows=[[Cell("x"), Cell(1, provisional="<b>")]],
    )
    assert "<b>" not in render_table(evil) and "&lt;b&gt;" in render_table(evil)
