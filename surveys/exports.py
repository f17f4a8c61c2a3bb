"""The results as a file: CSV or XLSX, with the same rows (core.exports neutralises
text a spreadsheet would run as a formula, e.g. a hostile campaign name)."""

from core.exports import csv_response, xlsx_response
from core.zones import portal_today

from .selectors import EXPORT_HEADER, ResultCell, export_rows


def results_file(cells: list[ResultCell], kind: str):
    name = f"survey-results-{portal_today():%Y-%m-%d}.{kind}"
    if kind == "xlsx":
        return xlsx_response(name, [("Survey results", EXPORT_HEADER, export_rows(cells))])
    return csv_response(name, EXPORT_HEADER, export_rows(cells))
