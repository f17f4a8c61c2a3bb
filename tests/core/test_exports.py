"""CSV and XLSX exports neutralise text a spreadsheet would run as a formula."""

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from core.exports import csv_response, xlsx_response

HOSTILE = ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx", "plain"]


def test_xlsx_cells_are_values_never_formulas():
    when = dt.datetime(2026, 2, 1, 8, 30, tzinfo=dt.UTC)
    response = xlsx_response(
        "x.xlsx",
        [
            (
                "Sheet: one/two",
                ["=head", "n"],
                [[text, 1] for text in HOSTILE] + [[when, Decimal("1.5")]],
            )
        ],
    )
    assert response["Content-Disposition"] == 'attachment; filename="x.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Sheet onetwo"]
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0] == ("'=head", "n")
    assert [r[0] for r in rows[1:7]] == ["'=1+1", "'+SUM(A1)", "'-2", "'@cmd", "'\tx", "plain"]
    assert rows[7] == (dt.datetime(2026, 2, 1, 8, 30), 1.5)
    assert all(cell.data_type != "f" for row in workbook.active.iter_rows() for cell in row)


def test_csv_cells_are_neutralised_too():
    response = csv_response("x.csv", ["a"], [[text] for text in HOSTILE])
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[1:] == ["'=1+1", "'+SUM(A1)", "'-2", "'@cmd", "'\tx", "plain"]


def test_instants_are_written_in_utc_whatever_their_zone():
    from zoneinfo import ZoneInfo

    nairobi = dt.datetime(2026, 1, 5, 9, 0, tzinfo=ZoneInfo("Africa/Nairobi"))
    text = b"".join(csv_response("x.csv", ["at"], [[nairobi]]).streaming_content)
    assert text.decode("utf-8-sig").splitlines()[1] == "2026-01-05 06:00:00+00:00"
    workbook = load_workbook(
        io.BytesIO(xlsx_response("x.xlsx", [("s", ["at"], [[nairobi]])]).content)
    )
    cell = workbook.active["A2"]
    assert cell.value == dt.datetime(2026, 1, 5, 6, 0)
    assert cell.number_format == 'yyyy-mm-dd hh:mm:ss "UTC"'
