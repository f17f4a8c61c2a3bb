"""Writing staged rows in bulk and applying them as an idempotent upsert.

On PostgreSQL, staged rows go in with COPY; elsewhere with batched INSERTs. Applying an
import is a handful of set-based statements: find which staged rows are new or differ
from the stored record, mark the affected (provider, month) pairs for the compliance
engine, insert the new ones, update the changed ones. Rows equal to what is stored are
left alone, so importing the same file twice changes nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from ..models import PendingCompliance, RecordStagingRow, ServiceRecord
from .validate import StagedRecord, pauses_json

STAGING = RecordStagingRow._meta.db_table
RECORDS = ServiceRecord._meta.db_table
PENDING = PendingCompliance._meta.db_table
STAGED_COLUMNS = (
    "record_import_id",
    "line",
    "provider_id",
    "client_id",
    "service_id",
    "external_ref",
    "received_at",
    "completed_at",
    "status",
    "defective",
    "pauses",
    "calendar_id",
    "elapsed_working_seconds",
    "elapsed_calendar_seconds",
    "completed_month",
    "received_month",
)
# The columns an import sets on a record; a row "changed" when any of them differs.
RECORD_COLUMNS = (
    "client_id",
    "service_id",
    "received_at",
    "completed_at",
    "status",
    "defective",
    "pauses",
    "calendar_id",
    "elapsed_working_seconds",
    "elapsed_calendar_seconds",
    "completed_month",
)


def _row(import_id: int, r: StagedRecord) -> tuple:
    return (
        import_id,
        r.line,
        r.provider_id,
        r.client_id,
        r.service_id,
        r.external_ref,
        r.received_at,
        r.completed_at,
        r.status,
        r.defective,
        pauses_json(r.pauses),
        r.calendar_id,
        r.elapsed_working_seconds,
        r.elapsed_calendar_seconds,
        r.completed_month,
        r.received_month,
    )


class StagingWriter:
    """Buffers staged records and writes them in batches (COPY on PostgreSQL)."""

    def __init__(self, import_id: int, batch_size: int = 20_000):
        self.import_id = import_id
        self.batch_size = batch_size
        self.buffer: list[tuple] = []
        self.written = 0

    def add(self, record: StagedRecord) -> None:
        self.buffer.append(_row(self.import_id, record))
        if len(self.buffer) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                columns = ", ".join(STAGED_COLUMNS)
                with cursor.cursor.copy(f"COPY {STAGING} ({columns}) FROM STDIN") as copy:
                    for row in self.buffer:
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(STAGED_COLUMNS))
                cursor.executemany(
                    f"INSERT INTO {STAGING} ({', '.join(STAGED_COLUMNS)}) "  # noqa: S608
                    f"VALUES ({placeholders})",
                    [_sqlite_row(row) for row in self.buffer],
                )
        self.written += len(self.buffer)
        self.buffer = []


def _sqlite_row(row: tuple) -> tuple:
    # Django stores aware datetimes on SQLite as naive UTC text.
    return tuple(
        v.replace(tzinfo=None).isoformat(sep=" ") if hasattr(v, "tzinfo") and v.tzinfo else v
        for v in row
    )


def duplicate_refs(import_id: int) -> list[tuple[int, str, int]]:
    """(line, external_ref, first line) of rows repeating an earlier row's provider and ref."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT line, external_ref, first_line FROM (
                SELECT line, external_ref,
                       MIN(line) OVER (PARTITION BY provider_id, external_ref) AS first_line
                FROM {STAGING} WHERE record_import_id = %s
            ) ranked
            WHERE line <> first_line
            ORDER BY line
            """,  # noqa: S608
            [import_id],
        )
        return list(cursor.fetchall())


def drop_lines(import_id: int, lines: Iterable[int]) -> None:
    lines = list(lines)
    for start in range(0, len(lines), 5000):
        RecordStagingRow.objects.filter(
            record_import_id=import_id, line__in=lines[start : start + 5000]
        ).delete()


def clear_staging(import_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {STAGING} WHERE record_import_id = %s", [import_id])  # noqa: S608


@dataclass
class ApplyCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _differs(left: str, right: str) -> str:
    op = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    return " OR ".join(f"{left}.{c} {op} {right}.{c}" for c in RECORD_COLUMNS)


def apply_staged(import_id: int) -> ApplyCounts:
    """Upsert the staged rows of an import into the records. Call inside a transaction."""
    now = timezone.now()
    now_param = (
        now if connection.vendor == "postgresql" else now.replace(tzinfo=None).isoformat(" ")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {STAGING} SET existing_id = r.id, changed = ({_differs("r", STAGING)})
            FROM {RECORDS} r
            WHERE {STAGING}.record_import_id = %s
              AND r.provider_id = {STAGING}.provider_id
              AND r.external_ref = {STAGING}.external_ref
            """,  # noqa: S608
            [import_id],
        )
        # Months whose compliance changes: the old and new months of changed rows,
        # the months of new rows, and the received months of open ones (for a record that
        # was open, its received month as the row gives it).
        cursor.execute(
            f"""
            INSERT INTO {PENDING} (provider_id, month, marked_at)
            SELECT DISTINCT provider_id, month, %s FROM (
                SELECT r.provider_id, COALESCE(r.completed_month, s.received_month) AS month
                FROM {RECORDS} r JOIN {STAGING} s ON s.existing_id = r.id
                WHERE s.record_import_id = %s AND s.changed
                UNION
                SELECT provider_id, completed_month FROM {STAGING}
                WHERE record_import_id = %s AND (existing_id IS NULL OR changed)
                UNION
                SELECT provider_id, received_month FROM {STAGING}
                WHERE record_import_id = %s AND (existing_id IS NULL OR changed)
                  AND completed_month IS NULL
            ) months
            WHERE month IS NOT NULL
            ON CONFLICT (provider_id, month) DO UPDATE SET marked_at = excluded.marked_at
            """,  # noqa: S608
            [now_param, import_id, import_id, import_id],
        )
        columns = ", ".join(("provider_id", "external_ref", *RECORD_COLUMNS))
        cursor.execute(
            f"""
            INSERT INTO {RECORDS} ({columns}, created_at, updated_at)
            SELECT {columns}, %s, %s FROM {STAGING}
            WHERE record_import_id = %s AND existing_id IS NULL
            """,  # noqa: S608
            [now_param, now_param, import_id],
        )
        created = cursor.rowcount
        assignments = ", ".join(f"{c} = s.{c}" for c in RECORD_COLUMNS)
        cursor.execute(
            f"""
            UPDATE {RECORDS} SET {assignments}, updated_at = %s
            FROM {STAGING} s
            WHERE s.record_import_id = %s AND s.existing_id = {RECORDS}.id AND s.changed
            """,  # noqa: S608
            [now_param, import_id],
        )
        updated = cursor.rowcount
        cursor.execute(
            f"SELECT COUNT(*) FROM {STAGING} WHERE record_import_id = %s",  # noqa: S608
            [import_id],
        )
        total = cursor.fetchone()[0]
    clear_staging(import_id)
    return ApplyCounts(created=created, updated=updated, unchanged=total - created - updated)
