"""Writing staged rows in bulk and applying them as an idempotent upsert.

On PostgreSQL, staged rows stream in with a binary COPY; elsewhere with batched INSERTs. Applying an
import is a handful of set-based statements: find which staged rows are new or differ
from the stored record, mark the affected (provider, month) pairs for the compliance
engine, insert the new ones, update the changed ones. Rows equal to what is stored are
left alone, so importing the same file twice changes nothing.
"""

import contextlib
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone
from psycopg import postgres
from psycopg.adapt import Dumper
from psycopg.pq import Format

from ..choices import RecordStatus
from ..models import PendingCompliance, RecordStagingRow, ServiceRecord
from .validate import StagedRecord

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
# The PostgreSQL type of each staged column, in order, for psycopg's binary dumpers (a
# binary COPY spares Python the formatting of every value as text, and the server its
# parsing). The JSON of the pauses is already text: see _JsonbText.
STAGED_TYPES = (
    "int8",
    "int4",
    "int8",
    "int8",
    "int8",
    "varchar",
    "timestamptz",
    "timestamptz",
    "varchar",
    "bool",
    "jsonb",
    "int8",
    "int8",
    "int8",
    "date",
    "date",
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


class _JsonbText(str):
    """Marker type: JSON already serialised, for a ``jsonb`` column."""


class _JsonbTextDumper(Dumper):
    """Binary ``jsonb`` from JSON text (psycopg's own jsonb dumper would serialise a str
    again, as a JSON string): the format version byte, then the text."""

    format = Format.BINARY
    oid = postgres.types["jsonb"].oid

    def dump(self, obj: str) -> bytes:
        return b"\x01" + obj.encode()


class StagingWriter:
    """Writes staged records to the staging table as they are validated.

    On PostgreSQL the rows stream through one ``COPY`` that stays open between calls to
    :meth:`add`, so the server stores each block of rows while Python validates the next
    ones (the two run at the same time instead of taking turns). :meth:`flush` ends the
    ``COPY``: call it before running any other statement on the connection; the next
    :meth:`add` opens a new one. Elsewhere rows are buffered and inserted in batches of
    ``batch_size``.
    """

    def __init__(self, import_id: int, batch_size: int = 20_000):
        self.import_id = import_id
        self.batch_size = batch_size
        self.buffer: list[tuple] = []
        self.written = 0
        self._stream = connection.vendor == "postgresql"
        self._copy = None
        self._open_copy: contextlib.ExitStack | None = None

    def add(self, record: StagedRecord) -> None:
        row = (self.import_id, *record)
        if self._stream:
            (self._copy or self._start_copy()).write_row(row)
            self.written += 1
            return
        self.buffer.append(row)
        if len(self.buffer) >= self.batch_size:
            self.flush()

    def _start_copy(self):
        stack = contextlib.ExitStack()
        cursor = stack.enter_context(connection.cursor()).cursor  # psycopg's own
        cursor.adapters.register_dumper(_JsonbText, _JsonbTextDumper)  # this cursor only
        columns = ", ".join(STAGED_COLUMNS)
        copy = stack.enter_context(
            cursor.copy(f"COPY {STAGING} ({columns}) FROM STDIN (FORMAT BINARY)")
        )
        copy.set_types(STAGED_TYPES)
        self._copy, self._open_copy = copy, stack
        return copy

    def discard(self) -> None:
        """Forget the buffered rows and end an open ``COPY`` normally: the caller clears the
        import's staged rows next. (Cancelling the ``COPY`` instead would abort the
        surrounding transaction, if there is one, and the clearing with it.)"""
        self.buffer = []
        self.flush()

    def abort(self, exc: BaseException) -> None:
        """Give up on failure: cancel an open ``COPY`` (nothing it sent is stored) and drop
        the buffered rows."""
        self.buffer = []
        if self._open_copy is not None:
            stack, self._open_copy, self._copy = self._open_copy, None, None
            stack.__exit__(type(exc), exc, exc.__traceback__)

    def flush(self) -> None:
        """Store what was added so far, and free the connection for other statements."""
        if self._open_copy is not None:
            stack, self._open_copy, self._copy = self._open_copy, None, None
            stack.close()  # ends the COPY: waits for the server to store the last rows
        if not self.buffer:
            return
        placeholders = ", ".join(["%s"] * len(STAGED_COLUMNS))
        with connection.cursor() as cursor:
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


class RefTracker:
    """Remembers the (provider, external_ref) of staged rows by hash, so that the duplicate
    check (:func:`duplicate_refs`, a sort of every staged row on the server) runs only when
    two rows may share a reference: with no two equal hashes, no two keys are equal.

    Memory grows by about 70 bytes a row; past ``limit`` rows it stops tracking and the
    check always runs.
    """

    def __init__(self, limit: int = 2_000_000):
        self.limit = limit
        self._hashes: set[int] | None = set()

    def add(self, provider_id: int, external_ref: str) -> None:
        hashes = self._hashes
        if hashes is None:
            return
        key = hash((provider_id, external_ref))
        if key in hashes or len(hashes) >= self.limit:
            self._hashes = None  # a possible repeat (or too many rows): check them all
        else:
            hashes.add(key)

    @property
    def may_repeat(self) -> bool:
        return self._hashes is None


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
    # Per provider, the earliest receipt of an open record the import creates, changes,
    # or changes from (its overdue counts may change in any month since).
    open_since: dict = field(default_factory=dict)


def _instant(value) -> dt.datetime:
    """An instant as the database returns it from an aggregate: a datetime on PostgreSQL,
    naive UTC text on SQLite."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


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
        existing = cursor.rowcount  # each staged row matches one record at most (unique)
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
                SELECT provider_id, COALESCE(completed_month, received_month) FROM {STAGING}
                WHERE record_import_id = %s AND (existing_id IS NULL OR changed)
            ) months
            WHERE month IS NOT NULL
            ON CONFLICT (provider_id, month) DO UPDATE SET marked_at = excluded.marked_at
            """,  # noqa: S608
            [now_param, import_id, import_id],
        )
        cursor.execute(
            f"""
            SELECT provider_id, MIN(received_at) FROM (
                SELECT r.provider_id, r.received_at
                FROM {RECORDS} r JOIN {STAGING} s ON s.existing_id = r.id
                WHERE s.record_import_id = %s AND s.changed AND r.status = %s
                UNION ALL
                SELECT provider_id, received_at FROM {STAGING}
                WHERE record_import_id = %s AND (existing_id IS NULL OR changed) AND status = %s
            ) open_rows
            GROUP BY provider_id
            """,  # noqa: S608
            [import_id, RecordStatus.OPEN.value, import_id, RecordStatus.OPEN.value],
        )
        open_since = {provider_id: _instant(value) for provider_id, value in cursor.fetchall()}
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
    clear_staging(import_id)
    # Every staged row either matched a record (existing) or was inserted (created).
    return ApplyCounts(
        created=created, updated=updated, unchanged=existing - updated, open_since=open_since
    )


def staged_provider_ids(import_id: int) -> list[int]:
    """The providers of an import's staged rows: one index probe per provider (a loose
    index scan of (record_import, provider_id, ...)) instead of reading every row."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE providers (id) AS (
                SELECT MIN(provider_id) FROM {STAGING} WHERE record_import_id = %s
                UNION ALL
                SELECT (
                    SELECT MIN(provider_id) FROM {STAGING}
                    WHERE record_import_id = %s AND provider_id > providers.id
                )
                FROM providers WHERE providers.id IS NOT NULL
            )
            SELECT id FROM providers WHERE id IS NOT NULL
            """,  # noqa: S608
            [import_id, import_id],
        )
        return [row[0] for row in cursor.fetchall()]
