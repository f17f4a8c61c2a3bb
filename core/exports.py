"""CSV and XLSX exports: CSV streamed, and safe to open in a spreadsheet.

Text that a spreadsheet would read as a formula (starting with =, +, -, @, a tab or a
carriage return) is prefixed with an apostrophe, so a hostile value stored as plain text
never runs as a formula in someone's spreadsheet (OWASP "CSV injection").

Instants are written in UTC whoever downloads them, whatever zone their pages show: in a
CSV file with their offset (``2026-01-05 06:00:00+00:00``), in a workbook as date-times
displayed with "UTC" after them (spreadsheets have no time zones).
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> object:
    """A cell value neutralised against formula injection (numbers and dates unchanged)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def in_utc(value) -> object:
    """An aware date-time in UTC (the same instant); any other value unchanged."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC)
    return value


class _Echo:
    def write(self, value):
        return value


def csv_response(
    filename: str, header: Iterable[str], rows: Iterable[Iterable]
) -> StreamingHttpResponse:
    """A streamed CSV download; rows are written as they are read (constant memory)."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(list(header))
        for row in rows:
            yield writer.writerow([safe_cell(in_utc(v)) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# How a workbook shows an instant: it stores a date-time without a zone, so the zone is
# named in the cell's number format.
UTC_FORMAT = 'yyyy-mm-dd hh:mm:ss "UTC"'


def _xlsx_cell(sheet, value) -> object:
    """What openpyxl stores: numbers and dates as such (an instant in UTC, shown with "UTC"
    after it), text neutralised, the rest as text."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=value.astimezone(dt.UTC).replace(tzinfo=None))
        cell.number_format = UTC_FORMAT
        return cell
    if value is None or isinstance(value, bool | int | float | Decimal | dt.date):
        return value
    return safe_cell(str(value))


def xlsx_response(filename: str, sheets: Iterable[tuple[str, Iterable[str], Iterable[Iterable]]]):
    """An XLSX download with one sheet per ``(title, header, rows)``; text cells are
    neutralised like the CSV ones (openpyxl would otherwise store "=..." as a formula)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        # Sheet names: at most 31 characters, none of []:*?/\
        clean = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Sheet"
        sheet = workbook.create_sheet(clean)
        sheet.append([safe_cell(str(h)) for h in header])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
