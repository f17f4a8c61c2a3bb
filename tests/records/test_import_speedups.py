"""The import's speed-ups keep its behaviour (docs/benchmarks.md, Ingest).

- instants: the fast parsing gives what the DOMAIN §4 rule gave before, and a bare date
  on a day whose midnight does not exist means the first instant of that local day;
- the staged record is the staging row (columns in order, pauses as Django's JSON text);
- on PostgreSQL the staged rows stream through a COPY kept open while rows are validated:
  it is ended for the progress updates, ended cleanly when the file turns out unreadable
  and cancelled on an unexpected error, and the connection stays usable in every case;
- the schema of migration 0004: an UNLOGGED staging table without a database foreign
  key, no redundant single-column indexes, the foreign keys of the records kept; an import
  whose staged rows were lost (crash of an UNLOGGED table) stores nothing and says so.
"""

import datetime as dt
import io
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from clients.models import ClientEntity
from core.clock import elapsed_calendar_seconds, elapsed_working_seconds
from providers.models import ServiceProvider
from records import services as record_services
from records.choices import ImportStatus
from records.imports.parse import read_csv
from records.imports.store import (
    STAGED_COLUMNS,
    STAGED_TYPES,
    RefTracker,
    StagingWriter,
    clear_staging,
    staged_provider_ids,
)
from records.imports.validate import ImportContext, StagedRecord, parse_instant, validate_row
from records.models import RecordImport, RecordStagingRow, ServiceRecord
from records.services import (
    record_import_apply,
    record_import_confirm,
    record_import_create,
    record_import_validate,
    records_import,
)
from tests.records.factories import HEADER, import_csv

UTC = dt.UTC
SCL = ZoneInfo("America/Santiago")
ROME = ZoneInfo("Europe/Rome")
POSTGRES = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="PostgreSQL only (COPY, UNLOGGED)"
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded import files go to a temporary directory, never to the project's media."""
    settings.MEDIA_ROOT = tmp_path / "media"


def utc(*fields) -> dt.datetime:
    return dt.datetime(*fields, tzinfo=UTC)


def eclac(ref: str, received: str, completed: str = "") -> str:
    """A row of ECLAC (Santiago, America/Santiago: clocks go forward at midnight)."""
    return f"{ref},ECLAC,ECLAC,FAC-CMN,{received},{completed},,,\n"


def kjso(ref: str, received: str = "2026-01-01T10:00", completed: str = "2026-01-04T09:00"):
    return f"{ref},KJSO,UNAMA,PAY-OFF,{received},{completed},,,\n"


# --------------------------------------------------------------------------------------
# Instants
# --------------------------------------------------------------------------------------


class TestBareDateWhenMidnightDoesNotExist:
    def test_bare_date_is_the_first_instant_of_the_local_day(self):
        # Santiago, 2026-09-06: 00:00 (-04) becomes 01:00 (-03); the day starts at 04:00Z.
        assert parse_instant("2026-09-06", SCL) == utc(2026, 9, 6, 4)
        assert parse_instant("20260906", SCL) == utc(2026, 9, 6, 4)  # basic format too
        assert utc(2026, 9, 6, 4).astimezone(SCL).isoformat() == "2026-09-06T01:00:00-03:00"
        assert utc(2026, 9, 6, 3, 59, 59).astimezone(SCL).date() == dt.date(2026, 9, 5)

    def test_other_bare_dates_are_still_local_midnight(self):
        assert parse_instant("2026-09-05", SCL) == utc(2026, 9, 5, 4)  # 00:00 -04
        assert parse_instant("2026-09-07", SCL) == utc(2026, 9, 7, 3)  # 00:00 -03
        assert parse_instant("2026-04-05", SCL) == utc(2026, 4, 5, 4)  # after falling back
        assert parse_instant("2026-03-29", ROME) == utc(2026, 3, 28, 23)  # gap at 02:00

    @pytest.mark.parametrize(
        ("text", "zone"),
        [
            ("2026-09-06T00:30", SCL),
            ("2026-09-06T00:00", SCL),
            ("2026-09-06 00:00:00", SCL),
            ("2026-03-29T02:30", ROME),
        ],
    )
    def test_a_date_time_that_does_not_exist_is_still_an_error(self, text, zone):
        with pytest.raises(ValueError, match=f"does not exist in {zone.key}"):
            parse_instant(text, zone)

    def test_a_day_skipped_altogether_is_an_error(self):
        # Samoa moved across the date line: 2011-12-30 never happened in Pacific/Apia.
        with pytest.raises(ValueError, match="does not exist in Pacific/Apia"):
            parse_instant("2011-12-30", ZoneInfo("Pacific/Apia"))
        assert parse_instant("2011-12-31", ZoneInfo("Pacific/Apia")) == utc(2011, 12, 30, 10)

    @pytest.mark.django_db
    def test_eclac_record_received_on_that_day_is_imported(self):
        result = import_csv(
            eclac("S-1", "2026-09-06", "2026-09-07")
            + eclac("S-2", "2026-09-05T20:00", "2026-09-06")  # completed at 01:00 local
        )

        assert result.status == ImportStatus.DONE, result.message
        first = ServiceRecord.objects.get(external_ref="S-1")
        assert first.received_at == utc(2026, 9, 6, 4)
        assert first.completed_at == utc(2026, 9, 7, 3)
        assert first.elapsed_calendar_seconds == 23 * 3600  # a 23-hour local day
        assert first.completed_month == dt.date(2026, 9, 1)
        second = ServiceRecord.objects.get(external_ref="S-2")
        assert (second.completed_at, second.elapsed_calendar_seconds) == (
            utc(2026, 9, 6, 4),
            4 * 3600,
        )
        wrong = import_csv(eclac("S-3", "2026-09-06", "2026-09-06T00:30"))
        assert [(e.line, e.column) for e in wrong.errors.all()] == [(2, "completed_at")]
        assert "does not exist in America/Santiago" in wrong.errors.get().message
        assert not ServiceRecord.objects.filter(external_ref="S-3").exists()


def reference_parse_instant(text: str, zone: ZoneInfo) -> dt.datetime:
    """The rule of DOMAIN §4 as parse_instant applied it before it was made faster."""
    if re.match(r"^\d{4}-\d{2}-\d{2}$", text):
        value = dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
    else:
        value = dt.datetime.fromisoformat(text)
    if not 1990 <= value.year <= 2100:
        raise ValueError("out of range")
    if value.tzinfo is None:
        local = value.replace(tzinfo=zone)
        if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != value:
            raise ValueError("does not exist")
        value = local
    if value.year > 2100 or value < dt.datetime(1990, 1, 1, tzinfo=UTC):
        raise ValueError("out of range")
    return value.astimezone(UTC).replace(microsecond=0)


ZONES = ["America/Santiago", "Europe/Rome", "Asia/Kuwait", "America/New_York", "Asia/Kathmandu"]
OFFSETS = st.sampled_from(["", "Z", "+00:00", "+03:00", "-04:00", "+05:45", "-09:30"])


@st.composite
def instant_texts(draw) -> str:
    moment = draw(
        st.datetimes(dt.datetime(1989, 12, 30), dt.datetime(2101, 1, 2))
        | st.sampled_from(  # around clock changes at midnight and at night
            [dt.datetime(2026, 9, 6), dt.datetime(2026, 3, 29, 2, 30), dt.datetime(2026, 4, 5)]
        )
    )
    style = draw(st.sampled_from(["date", "minutes", "seconds", "fraction", "space"]))
    if style == "date":
        return moment.date().isoformat()
    text = moment.isoformat(
        sep=" " if style == "space" else "T",
        timespec={"minutes": "minutes", "fraction": "microseconds"}.get(style, "seconds"),
    )
    return text + draw(OFFSETS)


class TestParseInstantIsUnchanged:
    @settings(max_examples=400, deadline=None, database=None)
    @given(text=instant_texts(), zone=st.sampled_from(ZONES))
    def test_same_instant_or_same_rejection_as_before(self, text, zone):
        zone = ZoneInfo(zone)
        try:
            expected = reference_parse_instant(text, zone)
        except ValueError as exc:
            if str(exc) == "does not exist" and len(text) == 10:  # the bare-date fix
                value = parse_instant(text, zone)
                day = dt.date.fromisoformat(text)
                assert value.astimezone(zone).date() == day
                assert (value - dt.timedelta(seconds=1)).astimezone(zone).date() < day
                return
            with pytest.raises(ValueError, match=str(exc)):
                parse_instant(text, zone)
            return
        value = parse_instant(text, zone)
        assert value == expected
        assert value.tzinfo is UTC
        assert value.microsecond == 0


# --------------------------------------------------------------------------------------
# The staged record is the staging row
# --------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestStagedRecord:
    def staged(self, line: str) -> StagedRecord:
        [row] = list(read_csv(io.BytesIO((HEADER + line).encode())))
        return validate_row(row, ImportContext())

    def test_fields_are_the_staging_columns_in_order(self):
        assert StagedRecord._fields == STAGED_COLUMNS[1:]
        assert STAGED_COLUMNS[0] == "record_import_id"

    def test_values_of_a_completed_record(self):
        staged = self.staged(kjso("K-1", completed="2026-01-04T09:00"))
        kjso_provider = ServiceProvider.objects.get(code="KJSO")

        assert staged == (
            2,
            kjso_provider.pk,
            ClientEntity.objects.get(code="UNAMA").pk,
            staged.service_id,
            "K-1",
            utc(2026, 1, 1, 7),
            utc(2026, 1, 4, 6),
            "completed",
            False,
            "[]",
            kjso_provider.duty_station_id,
            25_200,
            3 * 86_400 - 3_600,
            dt.date(2026, 1, 1),
            dt.date(2026, 1, 1),
        )
        assert type(staged.status) is str

    def test_pauses_are_the_json_text_django_would_store(self):
        staged = self.staged(
            "N-1,UNON,UNEP,HR-ADM,2026-01-06T08:00,2026-01-06T17:00,,"
            "2026-01-06T09:00/2026-01-06T11:00;2026-01-06T10:00Z/2026-01-06T15:00,true\n"
        )
        pauses = [
            {"start": "2026-01-06T06:00:00+00:00", "end": "2026-01-06T08:00:00+00:00"},
            {"start": "2026-01-06T10:00:00+00:00", "end": "2026-01-06T12:00:00+00:00"},
        ]

        assert staged.pauses == json.dumps(pauses)
        assert staged.defective is True
        start, end = utc(2026, 1, 6, 5), utc(2026, 1, 6, 14)
        intervals = [
            (utc(2026, 1, 6, 6), utc(2026, 1, 6, 8)),
            (utc(2026, 1, 6, 10), utc(2026, 1, 6, 12)),
        ]
        calendar = ImportContext().providers["UNON"].calendar
        assert staged.elapsed_working_seconds == elapsed_working_seconds(
            calendar, start, end, intervals
        )
        assert staged.elapsed_calendar_seconds == elapsed_calendar_seconds(start, end, intervals)

    def test_open_record_month_and_local_months_of_offset_times(self):
        open_record = self.staged(kjso("K-2", received="2026-01-31T22:30:00Z", completed=""))
        assert (open_record.status, open_record.completed_at) == ("open", None)
        assert open_record.elapsed_working_seconds is None
        assert open_record.received_month == dt.date(2026, 2, 1)  # 01:30 local in Kuwait
        done = self.staged(kjso("K-3", received="2026-01-29T10:00", completed="2026-01-31T22:30Z"))
        assert done.completed_month == dt.date(2026, 2, 1)

    def test_json_values_are_read_like_csv_cells(self):
        from records.imports.parse import read_json

        [row] = list(
            read_json(
                [
                    {
                        "external_ref": " K-4 ",
                        "provider": "KJSO",
                        "client": "UNAMA",
                        "service": "PAY-OFF",
                        "received_at": "2026-01-01T10:00",
                        "completed_at": None,
                        "status": None,
                        "pauses": [],
                        "defective": True,
                    }
                ]
            )
        )
        staged = validate_row(row, ImportContext())

        assert (staged.external_ref, staged.status, staged.defective) == ("K-4", "open", True)
        assert staged.pauses == "[]"


# --------------------------------------------------------------------------------------
# Streaming the staged rows
# --------------------------------------------------------------------------------------


def staged_count(record_import) -> int:
    return RecordStagingRow.objects.filter(record_import_id=record_import.pk).count()


@pytest.mark.django_db
class TestStagingWriter:
    @pytest.fixture
    def record_import(self):
        return RecordImport.objects.create(filename="x.csv")

    def records(self, count: int) -> list[StagedRecord]:
        rows = read_csv(
            io.BytesIO((HEADER + "".join(kjso(f"K-{n}") for n in range(count))).encode())
        )
        context = ImportContext()
        return [validate_row(row, context) for row in rows]

    def test_rows_are_stored_once_flushed_and_the_connection_is_free_again(self, record_import):
        writer = StagingWriter(record_import.pk, batch_size=3)
        for record in self.records(5):
            writer.add(record)
        writer.flush()

        assert staged_count(record_import) == 5
        assert writer.written == 5
        assert sorted(RecordStagingRow.objects.values_list("external_ref", flat=True)) == [
            f"K-{n}" for n in range(5)
        ]
        for record in self.records(2):  # a new COPY (PostgreSQL) after the flush
            writer.add(record)
        writer.flush()
        assert staged_count(record_import) == 7

    def test_staged_row_reads_back_as_written(self, record_import):
        [record] = self.records(1)
        writer = StagingWriter(record_import.pk)
        writer.add(record)
        writer.flush()

        row = RecordStagingRow.objects.get()
        assert (row.received_at, row.completed_at) == (record.received_at, record.completed_at)
        assert (row.status, row.defective, row.pauses) == ("completed", False, [])
        assert (row.elapsed_working_seconds, row.received_month) == (25_200, dt.date(2026, 1, 1))

    def test_discarded_rows_are_cleared_and_the_transaction_goes_on(self, record_import):
        writer = StagingWriter(record_import.pk)
        for record in self.records(3):
            writer.add(record)
        writer.discard()
        clear_staging(record_import.pk)

        assert staged_count(record_import) == 0
        assert RecordImport.objects.filter(pk=record_import.pk).exists()

    def test_aborted_rows_are_not_stored(self, record_import):
        writer = StagingWriter(record_import.pk)
        with pytest.raises(RuntimeError), transaction.atomic():
            try:
                for record in self.records(3):
                    writer.add(record)
                raise RuntimeError("boom")
            except RuntimeError as exc:
                writer.abort(exc)
                raise

        assert staged_count(record_import) == 0
        assert writer.buffer == []


@pytest.mark.django_db
class TestImportWhileStreaming:
    def test_progress_is_recorded_between_streamed_blocks(self, monkeypatch):
        # On PostgreSQL each progress update needs the COPY ended (and a new one after it).
        monkeypatch.setattr(record_services, "PROGRESS_EVERY", 2)

        with CaptureQueriesContext(connection) as queries:
            result = import_csv("".join(kjso(f"K-{n}") for n in range(5)))

        progress = [q for q in queries.captured_queries if 'SET "rows_processed"' in q["sql"]]
        assert len(progress) == 2  # after rows 2 and 4
        assert (result.status, result.created, result.rows_processed) == (ImportStatus.DONE, 5, 5)
        assert ServiceRecord.objects.count() == 5

    def test_unreadable_line_after_many_streamed_rows_stores_nothing(self, monkeypatch):
        monkeypatch.setattr(record_services, "PROGRESS_EVERY", 7)
        data = (HEADER + "".join(kjso(f"K-{n}") for n in range(30))).encode()
        data += b"K-\xff,KJSO,UNAMA,PAY-OFF,2026-01-01,,,,\n"

        result = records_import(rows=read_csv(io.BytesIO(data)))

        assert result.status == ImportStatus.REJECTED
        assert [(e.line, e.column) for e in result.errors.all()] == [(32, "")]
        assert not RecordStagingRow.objects.exists()
        assert not ServiceRecord.objects.exists()

    def test_unexpected_error_while_streaming_cancels_the_staged_rows(self):
        def rows():
            yield from read_csv(io.BytesIO((HEADER + kjso("K-1") + kjso("K-2")).encode()))
            raise RuntimeError("the upload went away")

        created = record_import_create(user=None, filename="x.csv")
        with pytest.raises(RuntimeError), transaction.atomic():
            record_import_validate(record_import=created, rows=rows())

        assert not RecordStagingRow.objects.exists()
        assert import_csv(kjso("K-3")).status == ImportStatus.DONE  # the connection works

    def test_two_phase_import_reports_staged_rows_before_confirmation(self):
        created = record_import_create(
            user=None,
            filename="records.csv",
            source=ContentFile((HEADER + kjso("K-1") + kjso("K-2")).encode()),
        )
        validated = record_import_validate(record_import=created)

        assert validated.status == ImportStatus.VALIDATED
        assert staged_count(validated) == 2
        assert not ServiceRecord.objects.exists()
        done = record_import_apply(
            record_import=record_import_confirm(record_import=validated, keep_good_rows=False)
        )
        assert (done.status, done.created) == (ImportStatus.DONE, 2)
        assert staged_count(done) == 0


# --------------------------------------------------------------------------------------
# Fewer statements at the end: duplicate check only when needed, providers by index
# --------------------------------------------------------------------------------------


class TestRefTracker:
    def test_distinct_references_need_no_check(self):
        refs = RefTracker()
        for n in range(1000):
            refs.add(1, f"K-{n}")
            refs.add(2, f"K-{n}")  # the same reference at another provider is another key

        assert not refs.may_repeat

    def test_a_repeated_reference_needs_the_check(self):
        refs = RefTracker()
        refs.add(1, "K-1")
        refs.add(1, "K-2")
        refs.add(1, "K-1")

        assert refs.may_repeat

    def test_past_the_limit_the_check_always_runs(self):
        refs = RefTracker(limit=3)
        for n in range(4):
            refs.add(1, f"K-{n}")

        assert refs.may_repeat


def window_queries(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "OVER (PARTITION BY" in q["sql"]]


@pytest.mark.django_db
class TestDuplicateCheck:
    def test_file_without_repeated_references_skips_the_server_check(self):
        with CaptureQueriesContext(connection) as queries:
            result = import_csv(kjso("K-1") + kjso("K-2") + kjso("K-1", completed=""))

        assert window_queries(queries)  # a repeat: the check ran and found it
        assert [(e.line, e.message) for e in result.errors.all()] == [
            (4, "'K-1' is already on line 2")
        ]
        with CaptureQueriesContext(connection) as queries:
            result = import_csv(kjso("K-1") + kjso("K-2"))

        assert not window_queries(queries)
        assert (result.status, result.created) == (ImportStatus.DONE, 2)

    def test_providers_of_the_staged_rows(self):
        data = HEADER + kjso("K-1") + "N-1,UNON,UNEP,HR-ADM,2026-01-05T12:00,,,,\n" + kjso("K-2")
        validated = record_import_validate(
            record_import=record_import_create(
                user=None, filename="x.csv", source=ContentFile(data.encode())
            )
        )
        expected = sorted(
            ServiceProvider.objects.filter(code__in=["KJSO", "UNON"]).values_list("pk", flat=True)
        )

        assert staged_provider_ids(validated.pk) == expected
        assert staged_provider_ids(validated.pk + 1) == []


# --------------------------------------------------------------------------------------
# Schema (migration 0004) and what it must not change
# --------------------------------------------------------------------------------------


def constraints(table: str) -> dict:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, table)


@pytest.mark.django_db
class TestSchema:
    def test_records_keep_their_foreign_keys_without_redundant_indexes(self):
        found = constraints("records_servicerecord")
        single = {tuple(c["columns"]) for c in found.values() if c["index"] and not c["unique"]}
        foreign = {c["columns"][0] for c in found.values() if c["foreign_key"]}

        assert ("provider_id",) not in single
        assert ("client_id",) not in single
        assert {("service_id",), ("calendar_id",), ("received_at",)} <= single
        assert ("provider_id", "service_id", "completed_month") in single
        assert ("client_id", "completed_month") in single
        if connection.features.can_introspect_foreign_keys:
            assert foreign == {"provider_id", "client_id", "service_id", "calendar_id"}

    def test_staging_table_has_one_index_and_no_foreign_key(self):
        found = constraints("records_recordstagingrow")

        assert not [c for c in found.values() if c["foreign_key"]]
        indexes = [tuple(c["columns"]) for c in found.values() if c["index"] and not c["unique"]]
        assert indexes == [("record_import_id", "provider_id", "external_ref")]

    @POSTGRES
    def test_staging_table_is_unlogged_on_postgresql(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relpersistence FROM pg_class WHERE relname = 'records_recordstagingrow'"
            )
            assert cursor.fetchone()[0] == "u"
            cursor.execute(
                "SELECT relpersistence FROM pg_class WHERE relname = 'records_servicerecord'"
            )
            assert cursor.fetchone()[0] == "p"

    @POSTGRES
    def test_binary_copy_types_are_those_of_the_staging_columns(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT column_name, udt_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = 'records_recordstagingrow'"
            )
            types = dict(cursor.fetchall())

        assert tuple(types[column] for column in STAGED_COLUMNS) == STAGED_TYPES

    def test_deleting_an_import_still_deletes_its_staged_rows(self):
        validated = record_import_validate(
            record_import=record_import_create(
                user=None, filename="x.csv", source=ContentFile((HEADER + kjso("K-1")).encode())
            )
        )
        assert staged_count(validated) == 1

        validated.delete()

        assert not RecordStagingRow.objects.exists()

    def test_reference_data_with_records_is_still_protected(self):
        import_csv(kjso("K-1"))

        with pytest.raises(ProtectedError):
            ClientEntity.objects.get(code="UNAMA").delete()
        with pytest.raises(ProtectedError):
            ServiceProvider.objects.get(code="KJSO").delete()

    def test_import_whose_staged_rows_were_lost_stores_nothing_and_says_so(self):
        # What a crash does to an UNLOGGED table between validation and confirmation.
        validated = record_import_validate(
            record_import=record_import_create(
                user=None, filename="x.csv", source=ContentFile((HEADER + kjso("K-1")).encode())
            )
        )
        confirmed = record_import_confirm(record_import=validated, keep_good_rows=False)
        RecordStagingRow.objects.all().delete()

        result = record_import_apply(record_import=confirmed)

        assert result.status == ImportStatus.FAILED
        assert "Nothing was stored" in result.message
        assert "upload the file again" in result.message
        assert (result.created, result.updated) == (0, 0)
        assert not ServiceRecord.objects.exists()
        assert record_import_apply(record_import=result).status == ImportStatus.FAILED
