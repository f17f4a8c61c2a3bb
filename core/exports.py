"""CSV and XLSX exports: CSV streamed, and safe to open in a spreadsheet.

Text that a spreadsheet would read as a formula (starting with =, +, -, @, a tab or a
carriage return) is prefixed with an apostrophe, so a hostile value stored as plain text
never runs as a formula in someone's spreadsheet (OWASP "CSV injection").
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
            yield writer.writerow([safe_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_cell(value) -> object:
    """What openpyxl stores: numbers and dates as such, text neutralised, the rest as text."""
    if value is None or isinstance(value, bool | int | float | Decimal | dt.date):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.replace(tzinfo=None)  # Note: spreadsheets have no time zones (UTC)
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
            sheet.append([_xlsx_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
