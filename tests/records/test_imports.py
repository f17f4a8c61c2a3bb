"""Service-record imports (DOMAIN §3–§4, §7, §8): reading, validating, measuring, storing.

Every import goes through the services the page, the command and the API use:
``records_import`` in one go, or ``record_import_create`` / ``_validate`` / ``_confirm`` /
``_apply`` in two phases. Reference data (providers, calendars, offerings) is the real
one loaded by ``tests/conftest.py``.
"""

import csv
import datetime as dt
import io
import json
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import connection

from accounts.choices import Role
from core.months import months_between
from providers.models import ServiceProvider
from records.choices import ImportStatus, RecordStatus
from records.imports.parse import COLUMNS, FileError, read_csv, read_json, read_json_file
from records.imports.validate import ImportContext, parse_instant, validate_row
from records.models import (
    PendingCompliance,
    RecordImport,
    RecordImportError,
    RecordStagingRow,
    ServiceRecord,
)
from records.selectors import current_month_anywhere as today_anywhere
from records.services import (
    importable_provider_ids,
    record_import_apply,
    record_import_confirm,
    record_import_create,
    record_import_validate,
    records_import,
)
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

UTC = dt.UTC
HEADER = ",".join(COLUMNS)


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def kjso(ref: str = "K-1", **fields) -> dict:
    """A KJSO (Asia/Kuwait, Sun–Thu 08:00–16:00) record: DOMAIN §8, first Kuwait example."""
    return {
        "external_ref": ref,
        "provider": "KJSO",
        "client": "UNAMA",
        "service": "PAY-OFF",
        "received_at": "2026-01-01T10:00",
        "completed_at": "2026-01-04T09:00",
        **fields,
    }


def unon(ref: str = "N-1", **fields) -> dict:
    """A UNON (Africa/Nairobi, Mon–Fri 08:00–12:30, 13:30–17:00) record: lunch example."""
    return {
        "external_ref": ref,
        "provider": "UNON",
        "client": "UNEP",
        "service": "HR-ADM",
        "received_at": "2026-01-05T12:00",
        "completed_at": "2026-01-05T14:00",
        **fields,
    }


def ungsc(ref: str = "G-1", **fields) -> dict:
    """A UNGSC (Brindisi, Europe/Rome) record."""
    return {
        "external_ref": ref,
        "provider": "UNGSC",
        "client": "UNEP",
        "service": "GEO-MAP",
        "received_at": "2026-01-12T09:00",
        "completed_at": "2026-01-12T10:00",
        **fields,
    }


def to_csv(*rows: dict, columns=COLUMNS, newline: str = "\n") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator=newline, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def import_csv(data: bytes, *, user=None, keep_good_rows: bool = False) -> RecordImport:
    return records_import(rows=read_csv(io.BytesIO(data)), user=user, keep_good_rows=keep_good_rows)


def import_rows(*rows: dict, **kwargs) -> RecordImport:
    return import_csv(to_csv(*rows), **kwargs)


def errors_of(record_import: RecordImport) -> list[tuple[int, str, str]]:
    return [(e.line, e.column, e.message) for e in record_import.errors.order_by("line", "id")]


def record(ref: str, provider: str = "KJSO") -> ServiceRecord:
    return ServiceRecord.objects.get(provider__code=provider, external_ref=ref)


def pending() -> set[tuple[str, dt.date]]:
    return {
        (p.provider.code, p.month) for p in PendingCompliance.objects.select_related("provider")
    }


def snapshot() -> dict[tuple[int, str], tuple]:
    """Every stored record with every value an import may set, and its updated_at."""
    return {
        (r.provider_id, r.external_ref): (
            r.client_id,
            r.service_id,
            r.received_at,
            r.completed_at,
            r.status,
            r.defective,
            r.pauses,
            r.calendar_id,
            r.elapsed_working_seconds,
            r.elapsed_calendar_seconds,
            r.completed_month,
            r.updated_at,
        )
        for r in ServiceRecord.objects.all()
    }


def assert_nothing_stored(record_import: RecordImport, before: dict) -> None:
    record_import.refresh_from_db()
    assert record_import.status == ImportStatus.REJECTED
    assert "Nothing was stored" in record_import.message
    assert (record_import.created, record_import.updated) == (0, 0)
    assert snapshot() == before
    assert not RecordStagingRow.objects.exists()
    assert not PendingCompliance.objects.exists()


def assert_rejection_message(record_import: RecordImport, *, bad: int, total: int) -> None:
    assert record_import.message.startswith(f"{bad} of {total} row")
    assert record_import.message.endswith("Nothing was stored.")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded import files go to a temporary directory, never to the project's media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def existing():
    """One stored KJSO record (K-0) and an empty pending table: a file that is rejected must
    neither add records, nor touch K-0, nor mark months."""
    result = import_rows(kjso("K-0"))
    assert result.status == ImportStatus.DONE
    PendingCompliance.objects.all().delete()
    return snapshot()


# --------------------------------------------------------------------------------------
# 1. Happy path
# --------------------------------------------------------------------------------------


class TestRecordsImportStoresRecords:
    def test_new_rows_are_created_and_counted(self):
        result = import_rows(kjso("K-1"), kjso("K-2"), unon("N-1"))

        assert result.status == ImportStatus.DONE
        assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
        assert (result.rows_total, result.rows_valid, result.error_count) == (3, 3, 0)
        assert result.message.startswith("3 records created, 0 updated, 0 unchanged")
        assert result.finished_at is not None
        assert ServiceRecord.objects.count() == 3
        assert not RecordStagingRow.objects.exists()
        assert not result.errors.exists()

    def test_stored_record_carries_the_row_values(self):
        import_rows(kjso("K-1", defective="true"))

        stored = record("K-1")
        assert stored.client.code == "UNAMA"
        assert stored.service.code == "PAY-OFF"
        assert stored.status == RecordStatus.COMPLETED
        assert stored.defective is True
        assert stored.pauses == []
        assert stored.calendar_id == ServiceProvider.objects.get(code="KJSO").duty_station_id

    def test_kuwait_working_time_skips_the_weekend(self):
        # DOMAIN §8: Thu 2026-01-01 10:00 → Sun 2026-01-04 09:00 = 6 h Thu + 1 h Sun.
        import_rows(kjso("K-1"))

        stored = record("K-1")
        assert stored.received_at == utc(2026, 1, 1, 7)
        assert stored.completed_at == utc(2026, 1, 4, 6)
        assert stored.elapsed_working_seconds == 25_200
        assert stored.elapsed_calendar_seconds == 3 * 86_400 - 3_600
        assert stored.completed_month == dt.date(2026, 1, 1)

    def test_kuwait_working_time_skips_holidays_and_weekend(self):
        # DOMAIN §8: Tue 2026-02-24 09:00 → Sun 2026-03-01 09:00; 25–26 Feb are holidays.
        import_rows(kjso("K-1", received_at="2026-02-24T09:00", completed_at="2026-03-01T09:00"))

        stored = record("K-1")
        assert stored.elapsed_working_seconds == 28_800
        assert stored.elapsed_calendar_seconds == 5 * 86_400
        assert stored.completed_month == dt.date(2026, 3, 1)

    def test_nairobi_lunch_break_is_not_working_time(self):
        # DOMAIN §8: Mon 2026-01-05 12:00 → 14:00 on the Nairobi calendar.
        import_rows(unon("N-1"))

        stored = record("N-1", "UNON")
        assert stored.elapsed_working_seconds == 3_600
        assert stored.elapsed_calendar_seconds == 7_200

    def test_nairobi_overlapping_pauses_count_once(self):
        # DOMAIN §8: Tue 08:00 → 17:00, pauses 09:00–11:00 and 10:00–15:00.
        import_rows(
            unon(
                "N-1",
                received_at="2026-01-06T08:00",
                completed_at="2026-01-06T17:00",
                pauses="2026-01-06T09:00/2026-01-06T11:00;2026-01-06T10:00/2026-01-06T15:00",
            )
        )

        stored = record("N-1", "UNON")
        assert stored.elapsed_working_seconds == 10_800
        assert stored.elapsed_calendar_seconds == 10_800
        assert stored.pauses == [
            {"start": "2026-01-06T06:00:00+00:00", "end": "2026-01-06T08:00:00+00:00"},
            {"start": "2026-01-06T07:00:00+00:00", "end": "2026-01-06T12:00:00+00:00"},
        ]

    def test_pauses_accept_spaces_and_a_trailing_separator(self):
        import_rows(
            unon(
                "N-1",
                received_at="2026-01-06T08:00",
                completed_at="2026-01-06T17:00",
                pauses=" 2026-01-06T09:00 / 2026-01-06T11:00 ; ",
            )
        )

        assert record("N-1", "UNON").elapsed_working_seconds == 9 * 3_600 - 3_600 - 2 * 3_600

    def test_kuwait_record_completed_late_utc_evening_counts_in_next_local_month(self):
        # DOMAIN §8: 2026-01-31T22:30:00Z is 01:30 on 1 February in Kuwait.
        import_rows(
            kjso("K-1", received_at="2026-01-29T10:00", completed_at="2026-01-31T22:30:00Z")
        )

        stored = record("K-1")
        assert stored.completed_at == utc(2026, 1, 31, 22, 30)
        assert stored.completed_month == dt.date(2026, 2, 1)

    def test_received_at_without_offset_is_provider_local_time(self):
        # Rome is UTC+1 in January, Kuwait UTC+3: the same wall time is two instants.
        import_rows(kjso("K-1"), ungsc("G-1", received_at="2026-01-12T09:00"))

        assert record("K-1").received_at == utc(2026, 1, 1, 7)
        assert record("G-1", "UNGSC").received_at == utc(2026, 1, 12, 8)

    def test_local_time_follows_daylight_saving_time(self):
        # Rome is UTC+2 in July.
        import_rows(ungsc("G-1", received_at="2026-07-13T09:00", completed_at="2026-07-13T10:00"))

        assert record("G-1", "UNGSC").received_at == utc(2026, 7, 13, 7)

    @pytest.mark.parametrize(
        "text",
        ["2026-01-01T10:00:00+00:00", "2026-01-01T10:00:00Z", "2026-01-01T13:00:00+03:00"],
    )
    def test_received_at_with_offset_is_absolute(self, text):
        import_rows(kjso("K-1", received_at=text))

        assert record("K-1").received_at == utc(2026, 1, 1, 10)

    def test_bare_date_means_midnight_local(self):
        import_rows(kjso("K-1", received_at="2026-01-01", completed_at="2026-01-04"))

        stored = record("K-1")
        assert stored.received_at == utc(2025, 12, 31, 21)
        assert stored.completed_at == utc(2026, 1, 3, 21)
        assert stored.elapsed_working_seconds == 8 * 3_600  # all of Thursday, nothing else

    def test_ambiguous_local_time_takes_the_first_occurrence(self):
        # Rome falls back on 2026-10-25: 02:30 happens at 00:30Z (CEST) and 01:30Z (CET).
        import_rows(ungsc("G-1", received_at="2026-10-25T02:30", completed_at="2026-10-26T10:00"))

        assert record("G-1", "UNGSC").received_at == utc(2026, 10, 25, 0, 30)

    def test_seconds_fractions_are_dropped(self):
        import_rows(kjso("K-1", received_at="2026-01-01T10:00:00.750"))

        assert record("K-1").received_at == utc(2026, 1, 1, 7)

    def test_status_defaults_to_completed_when_completed_at_is_set(self):
        import_rows(kjso("K-1", status=""))

        assert record("K-1").status == RecordStatus.COMPLETED

    def test_status_defaults_to_open_without_completed_at(self):
        import_rows(kjso("K-1", status="", completed_at=""))

        assert record("K-1").status == RecordStatus.OPEN

    def test_open_record_has_no_elapsed_values(self):
        import_rows(kjso("K-1", status="open", completed_at=""))

        stored = record("K-1")
        assert stored.completed_at is None
        assert stored.elapsed_working_seconds is None
        assert stored.elapsed_calendar_seconds is None
        assert stored.completed_month is None

    def test_open_record_may_carry_a_pause_that_is_still_running(self):
        import_rows(
            kjso(
                "K-1",
                completed_at="",
                pauses="2026-01-01T11:00/2026-01-05T09:00",
            )
        )

        stored = record("K-1")
        assert stored.status == RecordStatus.OPEN
        assert stored.pauses == [
            {"start": "2026-01-01T08:00:00+00:00", "end": "2026-01-05T06:00:00+00:00"}
        ]

    def test_cancelled_record_keeps_its_measurement(self):
        import_rows(
            kjso("K-1", status="cancelled"), kjso("K-2", status="Cancelled", completed_at="")
        )

        assert record("K-1").status == RecordStatus.CANCELLED
        assert record("K-1").elapsed_working_seconds == 25_200
        assert record("K-2").status == RecordStatus.CANCELLED
        assert record("K-2").elapsed_working_seconds is None

    @pytest.mark.parametrize(
        ("text", "expected"), [("", False), ("false", False), ("TRUE", True), (" true ", True)]
    )
    def test_defective_is_true_or_false_defaulting_to_false(self, text, expected):
        import_rows(kjso("K-1", defective=text))

        assert record("K-1").defective is expected

    def test_header_is_case_and_space_insensitive_and_optional_columns_may_be_left_out(self):
        data = (
            b" External_Ref , PROVIDER,client,service,received_at\n"
            b"K-1,KJSO,UNAMA,PAY-OFF,2026-01-01T10:00\n"
        )

        result = import_csv(data)

        assert result.status == ImportStatus.DONE
        assert record("K-1").status == RecordStatus.OPEN

    def test_columns_may_come_in_any_order(self):
        columns = tuple(reversed(COLUMNS))

        result = import_csv(to_csv(kjso("K-1"), columns=columns))

        assert result.created == 1
        assert record("K-1").elapsed_working_seconds == 25_200

    def test_crlf_line_endings_blank_lines_and_quoted_values_are_read(self):
        data = (
            HEADER.encode() + b"\r\n"
            b"\r\n"
            b'"K,1",KJSO,UNAMA,PAY-OFF,2026-01-01T10:00,2026-01-04T09:00,,,\r\n'
            b'"K ""2""",KJSO,UNAMA,PAY-OFF,2026-01-01T10:00,,,,\r\n'
        )

        result = import_csv(data)

        assert result.created == 2
        assert record("K,1").elapsed_working_seconds == 25_200
        assert record('K "2"').status == RecordStatus.OPEN

    def test_utf8_bom_is_accepted(self):
        result = import_csv(b"\xef\xbb\xbf" + to_csv(kjso("K-1")))

        assert result.status == ImportStatus.DONE
        assert record("K-1").received_at == utc(2026, 1, 1, 7)

    def test_non_ascii_references_are_kept(self):
        import_rows(kjso("Ñandú-é-漢字-№7"))

        assert record("Ñandú-é-漢字-№7").elapsed_working_seconds == 25_200

    def test_new_records_mark_their_months_for_the_compliance_engine(self):
        import_rows(
            kjso("K-1"),
            kjso("K-2", received_at="2026-02-24T09:00", completed_at="2026-03-01T09:00"),
            kjso("K-3", received_at="2026-04-05T09:00", completed_at=""),
            unon("N-1"),
        )

        # An open record may count as overdue in any month from its receipt to now (its
        # deadlines' months): every one of them is marked.
        open_months = {("KJSO", m) for m in months_between(dt.date(2026, 4, 1), today_anywhere())}
        assert (
            pending()
            == {
                ("KJSO", dt.date(2026, 1, 1)),
                ("KJSO", dt.date(2026, 3, 1)),
                ("UNON", dt.date(2026, 1, 1)),
            }
            | open_months
        )
        assert ("KJSO", dt.date(2026, 6, 1)) in open_months


class TestRecordsImportFromJson:
    def test_json_rows_are_measured_like_csv_rows(self):
        rows = [
            {
                "external_ref": "N-1",
                "provider": "UNON",
                "client": "UNEP",
                "service": "HR-ADM",
                "received_at": "2026-01-06T08:00",
                "completed_at": "2026-01-06T17:00",
                "pauses": [
                    {"start": "2026-01-06T09:00", "end": "2026-01-06T11:00"},
                    {"start": "2026-01-06T10:00", "end": "2026-01-06T15:00"},
                ],
                "defective": True,
            },
            {**kjso("K-1"), "defective": False, "status": None, "pauses": []},
            {**kjso("K-2"), "completed_at": None},
        ]

        result = records_import(rows=read_json(rows))

        assert (result.status, result.created) == (ImportStatus.DONE, 3)
        nairobi = record("N-1", "UNON")
        assert (nairobi.elapsed_working_seconds, nairobi.elapsed_calendar_seconds) == (
            10_800,
            10_800,
        )
        assert nairobi.defective is True
        assert len(nairobi.pauses) == 2
        assert record("K-1").defective is False
        assert record("K-1").elapsed_working_seconds == 25_200
        assert record("K-2").status == RecordStatus.OPEN

    def test_unknown_json_field_is_a_row_error_naming_it(self):
        result = records_import(rows=read_json([kjso("K-1"), {**kjso("K-2"), "priority": 1}]))

        assert result.status == ImportStatus.REJECTED
        assert errors_of(result) == [(2, "priority", "unknown field")]
        assert not ServiceRecord.objects.exists()

    def test_json_item_that_is_not_an_object_is_a_row_error(self):
        result = records_import(rows=read_json([kjso("K-1"), ["K-2", "KJSO"]]))

        assert result.status == ImportStatus.REJECTED
        assert errors_of(result) == [(2, "", "each record must be a JSON object")]

    @pytest.mark.parametrize(
        "pauses",
        [
            [{"start": "2026-01-02T10:00"}],
            ["2026-01-02T10:00/2026-01-02T11:00"],
            {"start": "2026-01-02T10:00", "end": "2026-01-02T11:00"},
            42,
        ],
        ids=["no-end", "text-item", "object", "number"],
    )
    def test_json_pauses_must_be_a_list_of_start_end_objects(self, pauses):
        result = records_import(rows=read_json([{**kjso("K-1"), "pauses": pauses}]))

        assert result.status == ImportStatus.REJECTED
        [(line, column, _)] = errors_of(result)
        assert (line, column) == (1, "pauses")
        assert not ServiceRecord.objects.exists()

    @pytest.mark.parametrize(
        ("items", "message"),
        [({"external_ref": "K-1"}, "expected a JSON list"), ([], "the list is empty")],
    )
    def test_json_that_is_not_a_list_of_records_is_rejected(self, items, message):
        result = records_import(rows=read_json(items))

        assert result.status == ImportStatus.REJECTED
        [(line, column, text)] = errors_of(result)
        assert (line, column) == (1, "")
        assert message in text

    @pytest.mark.parametrize(
        ("row", "column"),
        [
            ({**kjso(), "external_ref": "K-\ud800"}, "external_ref"),
            ({**kjso(), "client": "UNAMA\udfff"}, "client"),
            ({**kjso(), "pauses": [{"start": "\ud83d", "end": "2026-01-02T10:00"}]}, "pauses"),
            ({**kjso(), "note\ud800": "x"}, ""),
        ],
        ids=["ref", "client", "pause", "key"],
    )
    def test_json_text_with_a_lone_surrogate_is_a_row_error(self, existing, row, column):
        # JSON may escape half of a UTF-16 pair ("\ud800"): no database can store that.
        result = records_import(rows=read_json([kjso("K-1"), row]))

        [(line, error_column, message)] = errors_of(result)
        assert (line, error_column) == (2, column)
        assert "not valid Unicode" in message
        assert_nothing_stored(result, existing)

    def test_json_reference_with_a_nul_character_is_a_row_error(self, existing):
        # In a CSV file a NUL byte rejects the whole file; JSON can carry one in a string.
        result = records_import(rows=read_json([kjso("K-1"), kjso("K-\x00-2")]))

        assert errors_of(result) == [(2, "external_ref", "contains a control character")]
        assert_nothing_stored(result, existing)

    def test_json_text_outside_the_basic_plane_is_kept(self):
        records_import(rows=read_json([{**kjso(), "external_ref": "K-\U0001f600-\u00e9"}]))

        assert record("K-\U0001f600-\u00e9").elapsed_working_seconds == 25_200

    def test_json_file_is_read_as_a_list_of_records(self):
        data = json.dumps([kjso("K-1"), unon("N-1")]).encode()

        result = records_import(rows=read_json_file(io.BytesIO(data)))

        assert (result.status, result.created) == (ImportStatus.DONE, 2)

    @pytest.mark.parametrize(
        "data",
        [b"", b"[{", b'[{"external_ref": "K-\xe9"}]', b"[" * 100_000, b"\x00"],
        ids=["empty", "truncated", "latin-1", "deeply-nested", "nul"],
    )
    def test_unreadable_json_file_is_rejected(self, existing, data):
        result = records_import(rows=read_json_file(io.BytesIO(data)))

        [(line, column, message)] = errors_of(result)
        assert (line, column) == (1, "")
        assert "not valid JSON" in message
        assert_nothing_stored(result, existing)

    def test_json_and_csv_of_the_same_records_are_the_same_records(self):
        # Local wall time in the CSV, absolute instants in the JSON: no change the second time.
        import_rows(
            unon(
                "N-1",
                received_at="2026-01-06T08:00",
                completed_at="2026-01-06T17:00",
                pauses="2026-01-06T09:00/2026-01-06T11:00",
            )
        )
        before = snapshot()

        result = records_import(
            rows=read_json(
                [
                    {
                        **unon("N-1"),
                        "received_at": "2026-01-06T05:00:00Z",
                        "completed_at": "2026-01-06T14:00:00+00:00",
                        "pauses": [{"start": "2026-01-06T06:00Z", "end": "2026-01-06T11:00+03:00"}],
                        "status": "completed",
                        "defective": False,
                    }
                ]
            )
        )

        assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
        assert snapshot() == before


# --------------------------------------------------------------------------------------
# 2. Idempotence
# --------------------------------------------------------------------------------------


class TestImportIdempotence:
    FILE_ROWS = (
        kjso("K-1"),
        kjso("K-2", received_at="2026-02-24T09:00", completed_at="2026-03-01T09:00"),
        kjso("K-3", completed_at="", defective="true"),
        unon(
            "N-1",
            received_at="2026-01-06T08:00",
            completed_at="2026-01-06T17:00",
            pauses="2026-01-06T09:00/2026-01-06T11:00;2026-01-06T10:00/2026-01-06T15:00",
        ),
        ungsc("G-1", status="cancelled"),
    )

    def test_importing_the_same_file_twice_changes_nothing(self):
        data = to_csv(*self.FILE_ROWS)
        first = import_csv(data)
        assert (first.created, first.updated, first.unchanged) == (5, 0, 0)
        before = snapshot()
        PendingCompliance.objects.all().delete()

        second = import_csv(data)

        assert second.status == ImportStatus.DONE
        assert (second.created, second.updated, second.unchanged) == (0, 0, 5)
        assert second.message.startswith("0 records created, 0 updated, 5 unchanged")
        assert snapshot() == before  # updated_at included
        assert not PendingCompliance.objects.exists()
        assert not RecordStagingRow.objects.exists()

    def test_changing_one_row_updates_exactly_that_record_and_marks_both_months(self):
        rows = list(self.FILE_ROWS)
        import_rows(*rows)
        before = snapshot()
        PendingCompliance.objects.all().delete()
        # K-2 was completed in March; it is now completed on Sun 1 February.
        rows[1] = {**rows[1], "received_at": "2026-01-29T09:00", "completed_at": "2026-02-01T09:00"}

        result = import_rows(*rows)

        assert (result.created, result.updated, result.unchanged) == (0, 1, 4)
        after = snapshot()
        k2 = record("K-2")
        key = (k2.provider_id, "K-2")
        assert {k: v for k, v in after.items() if k != key} == {
            k: v for k, v in before.items() if k != key
        }
        assert after[key][-1] > before[key][-1]  # updated_at moved
        assert k2.completed_month == dt.date(2026, 2, 1)
        assert k2.elapsed_working_seconds == 7 * 3_600 + 3_600  # Thu 09–16, Sun 08–09
        assert pending() == {("KJSO", dt.date(2026, 3, 1)), ("KJSO", dt.date(2026, 2, 1))}

    def test_open_record_completed_later_marks_its_received_and_completed_months(self):
        import_rows(kjso("K-1", completed_at=""))
        PendingCompliance.objects.all().delete()

        result = import_rows(kjso("K-1", completed_at="2026-03-01T09:00"))

        assert result.updated == 1
        assert record("K-1").completed_month == dt.date(2026, 3, 1)
        # While open, it could count as overdue in any month since its receipt: all are
        # marked (its completed month among them).
        since_january = {("KJSO", m) for m in months_between(dt.date(2026, 1, 1), today_anywhere())}
        assert ("KJSO", dt.date(2026, 3, 1)) in since_january
        assert pending() == since_january

    def test_completed_record_reopened_marks_its_old_and_received_months(self):
        import_rows(kjso("K-1", completed_at="2026-03-01T09:00"))
        PendingCompliance.objects.all().delete()

        import_rows(kjso("K-1", completed_at=""))

        assert record("K-1").elapsed_working_seconds is None
        # Open again: it may count as overdue in any month since its receipt.
        since_january = {("KJSO", m) for m in months_between(dt.date(2026, 1, 1), today_anywhere())}
        assert ("KJSO", dt.date(2026, 3, 1)) in since_january
        assert pending() == since_january

    @pytest.mark.parametrize(
        "change",
        [
            {"client": "UNAMI"},
            {"service": "PAY-RUN"},
            {"status": "cancelled"},
            {"defective": "true"},
            {"pauses": "2026-01-01T11:00/2026-01-01T12:00"},
            {"received_at": "2026-01-01T10:00:01"},
        ],
        ids=lambda change: next(iter(change)),
    )
    def test_any_changed_value_is_an_update(self, change):
        import_rows(kjso("K-1"), kjso("K-2"))
        before = snapshot()
        PendingCompliance.objects.all().delete()

        result = import_rows(kjso("K-1", **change), kjso("K-2"))

        assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
        after = snapshot()
        changed = {key for key in after if after[key] != before[key]}
        assert changed == {(record("K-1").provider_id, "K-1")}
        assert pending() == {("KJSO", dt.date(2026, 1, 1))}

    def test_the_same_reference_at_two_providers_is_two_records(self):
        result = import_rows(kjso("REF-1"), unon("REF-1"))

        assert result.created == 2
        assert ServiceRecord.objects.filter(external_ref="REF-1").count() == 2

    def test_reimporting_a_record_stored_through_the_orm_leaves_it_unchanged(self):
        # The upsert compares with what is stored, whoever stored it.
        import_rows(
            unon(
                "N-1",
                received_at="2026-01-06T08:00",
                completed_at="2026-01-06T17:00",
                pauses="2026-01-06T09:00/2026-01-06T11:00",
            )
        )
        stored = record("N-1", "UNON")
        stored.pauses = list(stored.pauses)
        stored.save()
        before = snapshot()

        result = import_rows(
            unon(
                "N-1",
                received_at="2026-01-06T08:00",
                completed_at="2026-01-06T17:00",
                pauses="2026-01-06T09:00/2026-01-06T11:00",
            )
        )

        assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
        assert snapshot() == before


# --------------------------------------------------------------------------------------
# 3. Bad input: a clear error (line, column, reason), never an exception, nothing stored
# --------------------------------------------------------------------------------------


class TestWholeFileErrors:
    """Files that cannot be read as a records CSV at all."""

    @pytest.mark.parametrize(
        ("data", "line", "column", "message"),
        [
            (b"", 1, "", "the file is empty"),
            (b"\n\n  \n", 1, "", "the file is empty"),
            (
                HEADER.encode() + b"\nK-\xe9,KJSO,UNAMA,PAY-OFF,2026-01-01T10:00,,,,\n",
                2,
                "",
                "not UTF-8",
            ),
            (
                HEADER.encode()
                + b"\nK-1,KJSO,UNAMA,PAY-OFF,2026-01-01T10:00,,,,"
                + b"\nK-2,KJSO,UNAMA,PAY-OFF,2026-01-01T10:00,,,,"
                + b"\nK-\xe9,KJSO,UNAMA,PAY-OFF,2026-01-01T10:00,,,,\n",
                4,
                "",
                "byte 0xe9",
            ),
            (
                b"K-1,KJSO,UNAMA,PAY-OFF,2026-01-01T10:00,2026-01-04T09:00,,,\n",
                1,
                "",
                "no header row",
            ),
            (
                b"external_ref,provider,client,received_at\nK-1,KJSO,UNAMA,2026-01-01T10:00\n",
                1,
                "service",
                "missing column 'service'",
            ),
            (
                HEADER.encode() + b",priority\nK-1,KJSO,UNAMA,PAY-OFF,2026-01-01,,,,,high\n",
                1,
                "priority",
                "unknown column 'priority'",
            ),
            (
                HEADER.encode() + b",provider\nK-1,KJSO,UNAMA,PAY-OFF,2026-01-01,,,,,KJSO\n",
                1,
                "provider",
                "column 'provider' appears twice",
            ),
            (
                HEADER.encode()
                + b"\nK-1,KJSO,UNAMA,PAY-OFF,2026-01-01,,,,"
                + b'\nK-2,KJSO,UNAMA,PAY-OFF,"2026-01-01,,,,'
                + b"\nK-3,KJSO,UNAMA,PAY-OFF,2026-01-01,,,,"
                + b"\nK-4,KJSO,UNAMA,PAY-OFF,2026-01-01,,,,\n",
                3,
                "",
                "broken CSV",
            ),
            (
                HEADER.encode() + b'\n"K-1"x,KJSO,UNAMA,PAY-OFF,2026-01-01,,,,\n',
                2,
                "",
                "broken CSV",
            ),
            (
                HEADER.encode() + b"\nK-1,KJSO,UNAMA,PAY-OFF,2026-01-01,,,,\nK-\x002,KJSO\n",
                3,
                "",
                "NUL byte",
            ),
        ],
        ids=[
            "empty",
            "blank-lines-only",
            "latin-1",
            "latin-1-on-line-4",
            "no-header",
            "missing-column",
            "unknown-column",
            "duplicated-column",
            "unclosed-quote",
            "text-after-closing-quote",
            "nul-byte",
        ],
    )
    def test_unreadable_file_is_rejected_with_its_line(self, existing, data, line, column, message):
        result = import_csv(data)

        [(error_line, error_column, text)] = errors_of(result)
        assert (error_line, error_column) == (line, column)
        assert message in text
        assert f"line {line}" in result.message
        assert_nothing_stored(result, existing)

    def test_latin_1_file_is_rejected_even_when_keeping_good_rows(self, existing):
        data = to_csv(kjso("K-1")) + "K-é,KJSO,UNAMA,PAY-OFF,2026-01-01,,,,\n".encode("latin-1")

        result = import_csv(data, keep_good_rows=True)

        assert errors_of(result)[0][0] == 3
        assert_nothing_stored(result, existing)

    def test_old_mac_line_endings_are_rejected(self, existing):
        data = to_csv(kjso("K-1"), kjso("K-2")).replace(b"\n", b"\r")

        result = import_csv(data)

        [(line, _, text)] = errors_of(result)
        assert line == 1
        assert "broken CSV" in text
        assert_nothing_stored(result, existing)

    def test_header_only_stores_nothing(self, existing):
        result = import_csv(HEADER.encode() + b"\n")

        assert result.rows_total == 0
        assert "no records" in result.message
        assert_nothing_stored(result, existing)

    def test_field_larger_than_the_csv_limit_is_rejected(self, existing):
        data = to_csv(kjso("K-1"), kjso("X" * 200_000))

        result = import_csv(data)

        [(line, _, text)] = errors_of(result)
        assert line == 3
        assert "broken CSV" in text
        assert_nothing_stored(result, existing)


BAD_ROWS = [
    # (id, row, column, part of the message)
    ("no-ref", kjso(""), "external_ref", "required"),
    ("no-provider", kjso(provider=""), "provider", "required"),
    ("no-client", kjso(client=""), "client", "required"),
    ("no-service", kjso(service=""), "service", "required"),
    ("no-received-at", kjso(received_at=""), "received_at", "required"),
    ("unknown-provider", kjso(provider="NOPE"), "provider", "unknown provider 'NOPE'"),
    ("unknown-client", kjso(client="NOPE"), "client", "unknown client entity 'NOPE'"),
    ("unknown-service", kjso(service="NOPE"), "service", "unknown service 'NOPE'"),
    ("not-offered", kjso(service="CONF-DOC"), "service", "KJSO does not offer CONF-DOC"),
    ("feb-30", kjso(received_at="2026-02-30"), "received_at", "2026-02-30"),
    ("month-13", kjso(received_at="2026-13-01"), "received_at", "2026-13-01"),
    (
        "yesterday",
        kjso(received_at="yesterday"),
        "received_at",
        "'yesterday' is not a valid ISO 8601",
    ),
    ("24-00", kjso(completed_at="2026-01-04T24:00"), "completed_at", "2026-01-04T24:00"),
    ("feb-30-time", kjso(completed_at="2026-02-30T10:00"), "completed_at", "2026-02-30T10:00"),
    (
        "bad-offset",
        kjso(received_at="2026-01-01T10:00+25:00"),
        "received_at",
        "not a valid ISO 8601",
    ),
    (
        "rome-spring-gap",
        ungsc(received_at="2026-03-29T02:30", completed_at="2026-03-30T10:00"),
        "received_at",
        "does not exist in Europe/Rome",
    ),
    ("year-1800", kjso(received_at="1800-01-01T10:00"), "received_at", "out of range"),
    ("year-2200", kjso(completed_at="2200-01-01T10:00"), "completed_at", "out of range"),
    ("year-1", kjso(received_at="0001-01-01T00:00"), "received_at", "out of range"),
    ("year-1-date", kjso(received_at="0001-01-01"), "received_at", "out of range"),
    ("year-9999", kjso(completed_at="9999-12-31T23:59"), "completed_at", "out of range"),
    ("year-1-offset", kjso(received_at="0001-01-01T00:00+05:00"), "received_at", "out of range"),
    (
        "completed-before-received",
        kjso(completed_at="2026-01-01T09:59"),
        "completed_at",
        "completed_at is before received_at",
    ),
    (
        "pause-before-received",
        kjso(pauses="2025-12-31T10:00/2026-01-01T11:00"),
        "pauses",
        "outside the record",
    ),
    (
        "pause-after-completed",
        kjso(pauses="2026-01-04T08:00/2026-01-04T10:00"),
        "pauses",
        "outside the record",
    ),
    (
        "open-record-pause-before-received",
        kjso(completed_at="", pauses="2026-01-01T09:00/2026-01-01T11:00"),
        "pauses",
        "before the record was received",
    ),
    (
        "inverted-pause",
        kjso(pauses="2026-01-02T12:00/2026-01-02T10:00"),
        "pauses",
        "ends before it starts",
    ),
    ("pause-without-end", kjso(pauses="2026-01-02T10:00"), "pauses", "is not an interval"),
    (
        "pause-three-parts",
        kjso(pauses="2026-01-02T10:00/2026-01-02T11:00/2026-01-02T12:00"),
        "pauses",
        "is not an interval",
    ),
    (
        "pause-bad-date",
        kjso(pauses="2026-01-02T10:00/later"),
        "pauses",
        "'later' is not a valid ISO 8601",
    ),
    ("pause-empty-ends", kjso(pauses="/"), "pauses", "is not a valid ISO 8601"),
    ("ref-101-chars", kjso("R" * 101), "external_ref", "longer than 100 characters (101)"),
    ("ref-control-char", kjso("K\x01-1"), "external_ref", "control character"),
    ("ref-escape-char", kjso("K\x1b[31m"), "external_ref", "control character"),
    ("ref-delete-char", kjso("K\x7f1"), "external_ref", "control character"),
    ("ref-tab", kjso("K\t1"), "external_ref", "control character"),
    ("ref-newline", kjso("K\n1"), "external_ref", "control character"),
    ("status-done", kjso(status="done"), "status", "'done' is not open, completed or cancelled"),
    (
        "completed-without-completed-at",
        kjso(status="completed", completed_at=""),
        "completed_at",
        "a completed record needs completed_at",
    ),
    ("open-with-completed-at", kjso(status="open"), "status", "an open record has no completed_at"),
    ("defective-maybe", kjso(defective="maybe"), "defective", "'maybe' is not true or false"),
    ("defective-yes", kjso(defective="1"), "defective", "'1' is not true or false"),
]


class TestRowErrors:
    @pytest.mark.parametrize(
        ("row", "column", "message"),
        [case[1:] for case in BAD_ROWS],
        ids=[case[0] for case in BAD_ROWS],
    )
    def test_bad_row_is_reported_and_nothing_is_stored(self, existing, row, column, message):
        # A good new row, a changed K-0 and the bad row on line 4: none of it is stored.
        data = to_csv(kjso("K-1"), kjso("K-0", defective="true"), row)

        result = import_csv(data)

        errors = errors_of(result)
        assert errors, "expected a row error"
        assert {e[0] for e in errors} == {4}
        assert (4, column) in {(e[0], e[1]) for e in errors}
        assert any(message in e[2] for e in errors if e[1] == column), errors
        assert result.error_count == len(errors)
        assert (result.rows_total, result.rows_valid) == (3, 2)
        assert_rejection_message(result, bad=1, total=3)
        assert_nothing_stored(result, existing)

    @pytest.mark.parametrize(
        ("row", "column", "message"),
        [case[1:] for case in BAD_ROWS],
        ids=[case[0] for case in BAD_ROWS],
    )
    def test_bad_json_row_is_reported_and_nothing_is_stored(self, existing, row, column, message):
        result = records_import(rows=read_json([kjso("K-1"), row]))

        assert (2, column) in {(e[0], e[1]) for e in errors_of(result)}
        assert_nothing_stored(result, existing)

    @pytest.mark.parametrize(
        ("line", "message"),
        [("K-9,KJSO,UNAMA", "3 values for 9 columns"), ("K-9" + ",x" * 9, "10 values for 9")],
        ids=["too-few-values", "too-many-values"],
    )
    def test_row_with_the_wrong_number_of_values_is_reported(self, existing, line, message):
        data = to_csv(kjso("K-1")) + line.encode() + b"\n"

        result = import_csv(data)

        [(error_line, _, text)] = errors_of(result)
        assert error_line == 3
        assert message in text
        assert_nothing_stored(result, existing)

    def test_very_long_field_is_reported_on_its_column(self, existing):
        data = to_csv(kjso("K-1"), kjso("K-2", status="x" * 20_000))

        result = import_csv(data)

        [(line, column, text)] = errors_of(result)
        assert (line, column) == (3, "status")
        assert "longer than 10000 characters" in text
        assert len(text) < 200
        assert_nothing_stored(result, existing)

    def test_every_error_of_a_row_is_reported(self, existing):
        data = to_csv(kjso("K-1", client="NOPE", status="done", defective="maybe"))

        result = import_csv(data)

        assert {(e[0], e[1]) for e in errors_of(result)} == {
            (2, "client"),
            (2, "status"),
            (2, "defective"),
        }
        assert_rejection_message(result, bad=1, total=1)
        assert_nothing_stored(result, existing)

    def test_line_numbers_are_physical_lines_of_the_file(self, existing):
        data = (
            HEADER.encode() + b"\r\n"
            b"\r\n"
            b"K-1,KJSO,UNAMA,PAY-OFF,2026-01-01T10:00,,,,\r\n"
            b'"K-2\r\nsecond line",KJSO,UNAMA,PAY-OFF,2026-01-01T10:00,,,,\r\n'
            b"K-3,KJSO,UNAMA,PAY-OFF,2026-01-01T10:00,,done,,\r\n"
        )

        result = import_csv(data)

        assert {(e[0], e[1]) for e in errors_of(result)} == {
            (4, "external_ref"),  # a record spanning lines is reported on its first line
            (6, "status"),
        }
        assert_nothing_stored(result, existing)

    def test_error_messages_quote_only_the_start_of_long_values(self, existing):
        result = import_rows(kjso("K-1", client="C" * 5_000, received_at="T" * 5_000))

        assert all(len(e[2]) < 200 for e in errors_of(result))
        assert_nothing_stored(result, existing)

    def test_many_bad_rows_are_all_counted(self, existing):
        rows = [kjso(f"K-{n}", status="done") for n in range(1_500)]

        result = import_rows(*rows)

        assert result.error_count == 1_500
        assert result.errors.count() == 1_000  # the report keeps the first thousand
        assert_rejection_message(result, bad=1500, total=1500)
        assert_nothing_stored(result, existing)


class TestDuplicateReferences:
    def test_second_occurrence_is_an_error_naming_the_first_line(self, existing):
        data = to_csv(kjso("K-1"), kjso("K-2"), kjso("K-1", defective="true"))

        result = import_csv(data)

        assert errors_of(result) == [(4, "external_ref", "'K-1' is already on line 2")]
        assert_nothing_stored(result, existing)

    def test_each_repeat_names_the_first_line(self, existing):
        data = to_csv(kjso("A"), kjso("B"), kjso("A"), kjso("B"), kjso("A"))

        result = import_csv(data)

        assert errors_of(result) == [
            (4, "external_ref", "'A' is already on line 2"),
            (5, "external_ref", "'B' is already on line 3"),
            (6, "external_ref", "'A' is already on line 2"),
        ]
        assert result.rows_valid == 2
        assert_nothing_stored(result, existing)

    def test_keeping_good_rows_keeps_the_first_occurrence(self):
        data = to_csv(kjso("K-1"), kjso("K-1", defective="true"))

        result = import_csv(data, keep_good_rows=True)

        assert (result.status, result.created) == (ImportStatus.DONE, 1)
        assert record("K-1").defective is False


class TestTextIsStoredVerbatim:
    @pytest.mark.parametrize(
        "ref", ["=1+1", "+CMD|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", '=HYPERLINK("x")']
    )
    def test_formula_like_text_is_plain_text(self, ref):
        result = import_rows(kjso(ref))

        assert result.status == ImportStatus.DONE
        assert record(ref).external_ref == ref

    def test_sql_looking_reference_is_stored_as_text(self):
        refs = ["'; DROP TABLE records_servicerecord; --", 'x" OR "1"="1', "K-1; DELETE FROM x"]

        result = import_rows(*(kjso(ref) for ref in refs))

        assert result.created == 3
        assert sorted(ServiceRecord.objects.values_list("external_ref", flat=True)) == sorted(refs)
        assert "records_servicerecord" in connection.introspection.table_names()

    @pytest.mark.parametrize(
        "ref",
        ["\\N", "K\\1", "NULL", "null", "a\\tb", "x,y", '"quoted"', "back\\", "™€😀"],
    )
    def test_text_that_bulk_loading_could_misread_is_stored_verbatim(self, ref):
        # COPY (PostgreSQL) gives backslashes and \N a meaning; the stored text must not.
        import_rows(kjso(ref), kjso("OTHER"))

        assert record(ref).external_ref == ref
        assert record("OTHER").external_ref == "OTHER"

    def test_sql_looking_codes_are_unknown_codes(self, existing):
        result = import_rows(kjso("K-1", provider="KJSO' OR '1'='1", client="x'); --"))

        assert {e[1] for e in errors_of(result)} == {"provider", "client"}
        assert_nothing_stored(result, existing)

    def test_reference_of_exactly_100_characters_is_accepted(self):
        ref = "R" * 100

        import_rows(kjso(ref))

        assert record(ref).external_ref == ref

    def test_surrounding_spaces_are_trimmed(self):
        import_rows(kjso("  K-1  ", provider=" KJSO ", client="UNAMA ", service=" PAY-OFF"))

        assert record("K-1").elapsed_working_seconds == 25_200


class TestParseInstant:
    """The date-time rule of DOMAIN §4 on its own."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2026-01-01T10:00", utc(2026, 1, 1, 7)),
            ("2026-01-01 10:00:00", utc(2026, 1, 1, 7)),
            ("2026-01-01", utc(2025, 12, 31, 21)),
            ("2026-01-01T10:00+01:00", utc(2026, 1, 1, 9)),
            ("2026-01-01T10:00Z", utc(2026, 1, 1, 10)),
        ],
    )
    def test_instant_is_absolute_with_an_offset_else_local(self, text, expected):
        from zoneinfo import ZoneInfo

        value = parse_instant(text, ZoneInfo("Asia/Kuwait"))

        assert value == expected
        assert value.tzinfo is UTC

    @pytest.mark.parametrize(
        "text",
        [
            "2026-02-30",
            "2026-13-01",
            "yesterday",
            "2026-01-01T24:00",
            "",
            "1800-01-01",
            "0001-01-01",
            "9999-12-31T23:59",
            "2101-01-01T00:00Z",
        ],
    )
    def test_bad_instant_is_a_value_error(self, text):
        from zoneinfo import ZoneInfo

        for zone in ("Asia/Kuwait", "America/New_York", "Pacific/Kiritimati"):
            with pytest.raises(ValueError):
                parse_instant(text, ZoneInfo(zone))


# --------------------------------------------------------------------------------------
# 4. Keeping the good rows
# --------------------------------------------------------------------------------------


class TestKeepGoodRows:
    def test_keep_good_rows_stores_the_good_rows_and_reports_the_others(self):
        data = to_csv(kjso("K-1"), kjso("K-2", status="done"), unon("N-1"))

        result = import_csv(data, keep_good_rows=True)

        assert result.status == ImportStatus.DONE
        assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
        assert (result.rows_total, result.rows_valid) == (3, 2)
        assert result.message.startswith("2 records created, 0 updated, 0 unchanged")
        assert "1 row with errors" in result.message
        assert [e[:2] for e in errors_of(result)] == [(3, "status")]
        assert set(ServiceRecord.objects.values_list("external_ref", flat=True)) == {"K-1", "N-1"}
        assert not RecordStagingRow.objects.exists()

    def test_without_keep_good_rows_one_bad_row_rejects_the_file(self, existing):
        data = to_csv(kjso("K-1"), kjso("K-2", status="done"), unon("N-1"))

        result = import_csv(data, keep_good_rows=False)

        assert_rejection_message(result, bad=1, total=3)
        assert [e[:2] for e in errors_of(result)] == [(3, "status")]
        assert_nothing_stored(result, existing)

    def test_keep_good_rows_with_only_bad_rows_stores_nothing(self, existing):
        result = import_rows(kjso("K-1", status="done"), keep_good_rows=True)

        assert result.created == 0
        assert snapshot() == existing
        assert not RecordStagingRow.objects.exists()

    def test_keep_good_rows_updates_existing_records_too(self, existing):
        data = to_csv(kjso("K-0", defective="true"), kjso("K-2", client="NOPE"))

        result = import_csv(data, keep_good_rows=True)

        assert (result.created, result.updated) == (0, 1)
        assert record("K-0").defective is True
        assert pending() == {("KJSO", dt.date(2026, 1, 1))}


# --------------------------------------------------------------------------------------
# 5. Permissions
# --------------------------------------------------------------------------------------


def provider(code: str) -> ServiceProvider:
    return ServiceProvider.objects.get(code=code)


class TestImportPermissions:
    def test_provider_staff_cannot_import_for_another_provider(self, existing):
        user = user_with_role(Role.PROVIDER_STAFF, provider=provider("UNON"))

        result = import_rows(unon("N-1"), kjso("K-1"), user=user)

        assert errors_of(result) == [(3, "provider", "you may not import records for KJSO")]
        assert_nothing_stored(result, existing)

    def test_provider_staff_cannot_sneak_rows_in_by_keeping_good_rows(self, existing):
        user = user_with_role(Role.PROVIDER_STAFF, provider=provider("UNON"))

        result = import_rows(
            unon("N-1"), kjso("K-0", defective="true"), user=user, keep_good_rows=True
        )

        assert result.created == 1
        assert record("K-0").defective is False
        assert [e[:2] for e in errors_of(result)] == [(3, "provider")]

    @pytest.mark.parametrize("role", [Role.PROVIDER_STAFF, Role.PROVIDER_MANAGER, Role.INTEGRATION])
    def test_provider_users_import_for_their_own_provider(self, role):
        user = user_with_role(role, provider=provider("UNON"))

        result = import_rows(unon("N-1"), user=user)

        assert (result.status, result.created) == (ImportStatus.DONE, 1)
        assert result.created_by == user
        assert result.provider == provider("UNON")
        assert importable_provider_ids(user) == frozenset({provider("UNON").pk})

    @pytest.mark.parametrize("role", [Role.CLIENT_FOCAL_POINT, Role.MANAGEMENT])
    def test_client_and_management_users_cannot_create_an_import(self, role):
        client = None
        if role == Role.CLIENT_FOCAL_POINT:
            from clients.models import ClientEntity

            client = ClientEntity.objects.get(code="UNEP")
        user = user_with_role(role, client=client)

        with pytest.raises(PermissionDenied):
            record_import_create(user=user, filename="x.csv", source=ContentFile(to_csv(unon())))
        with pytest.raises(PermissionDenied):
            import_rows(unon("N-1"), user=user)

        assert not RecordImport.objects.exists()
        assert not ServiceRecord.objects.exists()

    def test_anonymous_user_cannot_import(self):
        with pytest.raises(PermissionDenied):
            import_rows(unon("N-1"), user=AnonymousUser())

        assert not ServiceRecord.objects.exists()

    def test_catalogue_manager_may_import_for_any_provider(self):
        user = user_with_role(Role.CATALOGUE_MANAGER)

        result = import_rows(unon("N-1"), kjso("K-1"), ungsc("G-1"), user=user)

        assert (result.status, result.created) == (ImportStatus.DONE, 3)
        assert result.provider is None
        assert importable_provider_ids(user) is None

    def test_command_line_import_may_import_for_any_provider(self):
        assert importable_provider_ids(None) is None

    def test_user_of_two_providers_imports_for_both(self):
        user = user_with_role(Role.PROVIDER_STAFF, provider=provider("UNON"))
        from accounts.services import grant_role

        grant_role(user=user, role=Role.INTEGRATION, provider=provider("KJSO"))

        result = import_rows(unon("N-1"), kjso("K-1"), ungsc("G-1"), user=user, keep_good_rows=True)

        assert result.created == 2
        assert result.provider is None
        assert [e[:2] for e in errors_of(result)] == [(4, "provider")]


# --------------------------------------------------------------------------------------
# 6. The two-phase flow of the upload page
# --------------------------------------------------------------------------------------


class TestTwoPhaseImport:
    @pytest.fixture
    def staff(self):
        return user_with_role(Role.PROVIDER_STAFF, provider=provider("KJSO"))

    def upload(self, user, data: bytes) -> RecordImport:
        created = record_import_create(user=user, filename="records.csv", source=ContentFile(data))
        return record_import_validate(record_import=created)

    def test_validate_stages_rows_without_touching_the_records(self, staff, existing):
        result = self.upload(staff, to_csv(kjso("K-1"), kjso("K-0", defective="true")))

        assert result.status == ImportStatus.VALIDATED
        assert result.message.startswith("All 2 rows")
        assert (result.rows_total, result.rows_valid, result.error_count) == (2, 2, 0)
        assert result.finished_at is None
        assert result.filename == "records.csv"
        assert result.source.name.endswith(".csv")
        assert RecordStagingRow.objects.filter(record_import=result).count() == 2
        assert snapshot() == existing
        assert not PendingCompliance.objects.exists()

    def test_confirm_and_apply_store_the_staged_rows(self, staff, existing):
        validated = self.upload(staff, to_csv(kjso("K-1"), kjso("K-0", defective="true")))

        confirmed = record_import_confirm(record_import=validated, keep_good_rows=False)
        assert confirmed.status == ImportStatus.IMPORTING
        assert not ServiceRecord.objects.filter(external_ref="K-1").exists()
        done = record_import_apply(record_import=confirmed)

        assert done.status == ImportStatus.DONE
        assert (done.created, done.updated, done.unchanged) == (1, 1, 0)
        assert record("K-1").elapsed_working_seconds == 25_200
        assert record("K-0").defective is True
        assert not RecordStagingRow.objects.exists()

    def test_confirm_without_keeping_good_rows_rejects_a_file_with_errors(self, staff, existing):
        validated = self.upload(staff, to_csv(kjso("K-1"), kjso("K-2", status="done")))
        assert validated.status == ImportStatus.VALIDATED
        assert validated.message.startswith("1 of 2 rows")
        assert RecordStagingRow.objects.filter(record_import=validated).count() == 1

        rejected = record_import_confirm(record_import=validated, keep_good_rows=False)

        assert rejected.status == ImportStatus.REJECTED
        assert_rejection_message(rejected, bad=1, total=2)
        assert rejected.finished_at is not None
        assert record_import_apply(record_import=rejected).status == ImportStatus.REJECTED
        assert_nothing_stored(rejected, existing)

    def test_confirm_keeping_good_rows_stores_them(self, staff):
        validated = self.upload(staff, to_csv(kjso("K-1"), kjso("K-2", status="done")))

        done = record_import_apply(
            record_import=record_import_confirm(record_import=validated, keep_good_rows=True)
        )

        assert (done.status, done.created, done.keep_good_rows) == (ImportStatus.DONE, 1, True)
        assert list(ServiceRecord.objects.values_list("external_ref", flat=True)) == ["K-1"]

    def test_applying_twice_is_harmless(self, staff):
        validated = self.upload(staff, to_csv(kjso("K-1"), kjso("K-2")))
        confirmed = record_import_confirm(record_import=validated, keep_good_rows=False)
        first = record_import_apply(record_import=confirmed)
        before = snapshot()
        PendingCompliance.objects.all().delete()

        second = record_import_apply(record_import=confirmed)

        assert second.status == ImportStatus.DONE
        assert (second.created, second.updated, second.unchanged) == (2, 0, 0)
        assert second.finished_at == first.finished_at
        assert snapshot() == before
        assert not PendingCompliance.objects.exists()

    def test_apply_before_confirm_does_nothing(self, staff):
        validated = self.upload(staff, to_csv(kjso("K-1")))

        result = record_import_apply(record_import=validated)

        assert result.status == ImportStatus.VALIDATED
        assert not ServiceRecord.objects.exists()
        assert RecordStagingRow.objects.count() == 1

    def test_confirming_twice_is_harmless(self, staff):
        validated = self.upload(staff, to_csv(kjso("K-1")))
        done = record_import_apply(
            record_import=record_import_confirm(record_import=validated, keep_good_rows=False)
        )

        again = record_import_confirm(record_import=done, keep_good_rows=False)

        assert again.status == ImportStatus.DONE
        assert ServiceRecord.objects.count() == 1

    def test_validating_again_does_not_stage_rows_twice(self, staff):
        validated = self.upload(staff, to_csv(kjso("K-1"), kjso("K-2", status="done")))

        again = record_import_validate(record_import=validated)

        assert RecordStagingRow.objects.filter(record_import=again).count() == 1
        assert again.errors.count() == 1
        assert again.error_count == 1

    def test_unreadable_upload_is_rejected_at_validation(self, staff, existing):
        result = self.upload(staff, b"K-1;KJSO;UNAMA\n")

        assert result.status == ImportStatus.REJECTED
        assert [e[:2] for e in errors_of(result)] == [(1, "")]
        assert record_import_confirm(record_import=result, keep_good_rows=True).status == (
            ImportStatus.REJECTED
        )
        assert_nothing_stored(result, existing)

    def test_staged_rows_of_two_uploads_do_not_mix(self, staff):
        first = self.upload(staff, to_csv(kjso("K-1")))
        second = self.upload(staff, to_csv(kjso("K-1", defective="true"), kjso("K-2")))

        record_import_confirm(record_import=second, keep_good_rows=False)
        record_import_confirm(record_import=first, keep_good_rows=False)
        done_second = record_import_apply(record_import=second)
        done_first = record_import_apply(record_import=first)

        assert (done_second.created, done_first.created, done_first.updated) == (2, 0, 1)
        assert record("K-1").defective is False  # the later apply wins
        assert not RecordStagingRow.objects.exists()

    def test_error_rows_are_stored_in_line_order(self, staff):
        result = self.upload(
            staff,
            to_csv(kjso("A", status="done"), kjso("B"), kjso("B"), kjso("C", client="NOPE")),
        )

        assert [e[:2] for e in errors_of(result)] == [
            (2, "status"),
            (4, "external_ref"),
            (5, "client"),
        ]
        assert RecordImportError.objects.filter(record_import=result).count() == result.error_count


# --------------------------------------------------------------------------------------
# 8. Large files
# --------------------------------------------------------------------------------------


class TestLargeFile:
    ROWS = 20_000

    @staticmethod
    def large_file(rows: int) -> bytes:
        lines = [HEADER]
        start = dt.date(2026, 1, 4)  # a Sunday
        for n in range(rows):
            day = start + dt.timedelta(days=n % 330)  # all before 2026-12: none in the future
            if n % 2:
                lines.append(
                    f"K-{n:06d},KJSO,UNAMA,PAY-OFF,{day}T09:00,{day}T11:30,,,"
                    + ("true" if n % 7 == 0 else "false")
                )
            else:
                pause = f"{day}T10:00/{day}T10:30" if n % 4 == 0 else ""
                status = "open" if n % 10 == 0 else ""
                done = "" if status else f"{day}T23:00"
                lines.append(f"N-{n:06d},UNON,UNEP,HR-ADM,{day}T08:00,{done},{status},{pause},")
        return ("\n".join(lines) + "\n").encode()

    def test_large_file_imports_and_reimports_unchanged(self):
        data = self.large_file(self.ROWS)
        started = time.perf_counter()

        first = import_csv(data)

        assert first.status == ImportStatus.DONE, first.message
        assert (first.created, first.updated, first.unchanged) == (self.ROWS, 0, 0)
        assert first.rows_processed == self.ROWS
        assert ServiceRecord.objects.count() == self.ROWS
        kuwait = record("K-000001")  # Mon 2026-01-05 09:00–11:30
        assert kuwait.elapsed_working_seconds == 9_000
        assert kuwait.completed_month == dt.date(2026, 1, 1)
        nairobi = record("N-000004", "UNON")  # Thu 2026-01-08 08:00–23:00, 30 min pause
        assert nairobi.elapsed_working_seconds == 8 * 3_600 - 1_800
        assert nairobi.elapsed_calendar_seconds == 15 * 3_600 - 1_800
        assert record("N-000010", "UNON").status == RecordStatus.OPEN
        before = snapshot()
        PendingCompliance.objects.all().delete()

        second = import_csv(data)

        elapsed = time.perf_counter() - started
        assert (second.created, second.updated, second.unchanged) == (0, 0, self.ROWS)
        assert snapshot() == before
        assert not PendingCompliance.objects.exists()
        assert not RecordStagingRow.objects.exists()
        assert elapsed < 20, f"two imports of {self.ROWS} rows took {elapsed:.1f} s"


# --------------------------------------------------------------------------------------
# Reading and validating, without the services
# --------------------------------------------------------------------------------------


class TestReadCsv:
    def test_rows_carry_their_physical_line(self):
        data = HEADER.encode() + b"\n\nK-1,KJSO,UNAMA,PAY-OFF,2026-01-01,,,,\n"

        [row] = list(read_csv(io.BytesIO(data)))

        assert row.line == 3
        assert row.values["external_ref"] == "K-1"

    def test_bytes_are_accepted_as_a_stream(self):
        assert len(list(read_csv(to_csv(kjso("K-1"), kjso("K-2"))))) == 2

    def test_decoding_error_past_the_first_chunk_names_its_line(self):
        rows = [kjso(f"K-{n}") for n in range(3_000)]
        data = to_csv(*rows) + b"K-\xff,KJSO,UNAMA,PAY-OFF,2026-01-01,,,,\n"

        with pytest.raises(FileError) as caught:
            list(read_csv(io.BytesIO(data)))

        assert caught.value.line == 3_002

    def test_validate_row_needs_only_the_context(self):
        context = ImportContext()
        [row] = list(read_csv(to_csv(kjso("K-1"))))

        staged = validate_row(row, context)

        assert staged.elapsed_working_seconds == 25_200
        assert staged.completed_month == dt.date(2026, 1, 1)
        assert staged.received_month == dt.date(2026, 1, 1)
