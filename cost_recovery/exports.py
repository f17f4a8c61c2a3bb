"""A statement's lines as a CSV or XLSX file: the same table the page shows, its total
included (``core.exports`` neutralises any formula)."""

from core.exports import csv_response, xlsx_response


def statement_file(view, table, kind: str):
    status = "draft" if view.is_draft else view.status
    name = f"statement-{view.provider.code}-{view.client.code}-{view.month:%Y-%m}-{status}"
    header = ["provider", "client", "period", "status", *table.header()]
    prefix = [view.provider.code, view.client.code, f"{view.month:%Y-%m}", status]
    rows = [[*prefix, *row] for row in table.values()]
    if kind == "csv":
        return csv_response(f"{name}.csv", header, rows)
    return xlsx_response(f"{name}.xlsx", [(f"Statement {view.month:%Y-%m}", header, rows)])
