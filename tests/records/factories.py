"""Helpers to put service records in the database through the real import path."""

import io

from records.imports.parse import read_csv
from records.services import records_import

HEADER = "external_ref,provider,client,service,received_at,completed_at,status,pauses,defective\n"


def import_csv(text: str, *, user=None, keep_good_rows: bool = False):
    """Import CSV rows (header added when missing) as the command would."""
    if not text.startswith("external_ref"):
        text = HEADER + text
    return records_import(
        rows=read_csv(io.BytesIO(text.encode())), user=user, keep_good_rows=keep_good_rows
    )
