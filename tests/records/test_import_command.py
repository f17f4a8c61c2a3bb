"""``manage.py import_records FILE [--keep-good-rows]``: the command-line import (DOMAIN §4)."""

import datetime as dt
import io

import pytest
from celery import current_app
from django.core.management import call_command
from django.core.management.base import CommandError
from kombu.exceptions import OperationalError as BrokerUnavailable

from compliance.models import ComplianceResult
from compliance.tasks import compute_pending_compliance
from records.choices import ImportStatus
from records.models import PendingCompliance, RecordImport, RecordStagingRow, ServiceRecord
from tests.support import ensure_reference_data

pytestmark = pytest.mark.django_db

HEADER = "external_ref,provider,client,service,received_at,completed_at,status,pauses,defective"
KUWAIT = "K-1,KJSO,UNAMA,PAY-OFF,2026-01-01T10:00,2026-01-04T09:00,,,false"
NAIROBI = (
    "N-1,UNON,UNEP,HR-ADM,2026-01-06T08:00,2026-01-06T17:00,,"
    "2026-01-06T09:00/2026-01-06T11:00;2026-01-06T10:00/2026-01-06T15:00,true"
)
BAD_STATUS = "K-2,KJSO,UNAMA,PAY-OFF,2026-01-01T10:00,2026-01-04T09:00,done,,"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def write(tmp_path):
    def write(*lines: str, name: str = "records.csv", raw: bytes | None = None):
        path = tmp_path / name
        path.write_bytes(raw if raw is not None else ("\n".join(lines) + "\n").encode())
        return path

    return write


def run(path, *args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_records", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class TestImportRecordsCommand:
    def test_good_file_is_imported_with_a_success_message(self, write):
        out, err = run(write(HEADER, KUWAIT, NAIROBI))

        assert "2 records created, 0 updated, 0 unchanged" in out
        assert err == ""
        kuwait = ServiceRecord.objects.get(external_ref="K-1")
        nairobi = ServiceRecord.objects.get(external_ref="N-1")
        assert kuwait.elapsed_working_seconds == 25_200
        assert (nairobi.elapsed_working_seconds, nairobi.elapsed_calendar_seconds) == (
            10_800,
            10_800,
        )
        assert nairobi.defective is True
        imported = RecordImport.objects.get()
        assert (imported.status, imported.filename, imported.created_by) == (
            ImportStatus.DONE,
            "records.csv",
            None,
        )

    def test_running_it_again_changes_nothing(self, write):
        path = write(HEADER, KUWAIT, NAIROBI)
        run(path)
        before = list(ServiceRecord.objects.order_by("pk").values())
        PendingCompliance.objects.all().delete()

        out, _ = run(path)

        assert "0 records created, 0 updated, 2 unchanged" in out
        assert list(ServiceRecord.objects.order_by("pk").values()) == before
        assert not PendingCompliance.objects.exists()

    def test_bad_row_is_a_command_error_and_nothing_is_stored(self, write):
        out, err = io.StringIO(), io.StringIO()

        with pytest.raises(CommandError) as caught:
            call_command(
                "import_records",
                str(write(HEADER, KUWAIT, BAD_STATUS, NAIROBI)),
                stdout=out,
                stderr=err,
            )

        assert "1 of 3 rows" in str(caught.value)
        assert "Nothing was stored" in str(caught.value)
        assert "line 3, status: 'done' is not open, completed or cancelled" in err.getvalue()
        assert out.getvalue() == ""
        assert not ServiceRecord.objects.exists()
        assert not RecordStagingRow.objects.exists()
        assert RecordImport.objects.get().status == ImportStatus.REJECTED

    def test_keep_good_rows_stores_the_good_rows_and_lists_the_others(self, write):
        out, err = run(write(HEADER, KUWAIT, BAD_STATUS, NAIROBI), "--keep-good-rows")

        assert "2 records created" in out
        assert "1 row with errors" in out
        assert "line 3, status:" in err
        assert set(ServiceRecord.objects.values_list("external_ref", flat=True)) == {"K-1", "N-1"}

    def test_unreadable_file_is_a_command_error_naming_the_line(self, write):
        path = write(raw=(HEADER + "\n" + KUWAIT + "\nK-\xe9,KJSO\n").encode("latin-1"))
        err = io.StringIO()

        with pytest.raises(CommandError) as caught:
            call_command("import_records", str(path), stdout=io.StringIO(), stderr=err)

        assert "line 3" in str(caught.value)
        assert "UTF-8" in str(caught.value)
        assert "line 3, file:" in err.getvalue()
        assert not ServiceRecord.objects.exists()

    def test_unreadable_file_is_rejected_even_when_keeping_good_rows(self, write):
        path = write(raw=(HEADER + "\n" + KUWAIT + '\nK-2,"KJSO\n').encode())

        with pytest.raises(CommandError, match="broken CSV"):
            run(path, "--keep-good-rows")

        assert not ServiceRecord.objects.exists()

    def test_empty_and_header_only_files_are_command_errors(self, write):
        with pytest.raises(CommandError, match="empty"):
            run(write(raw=b"", name="empty.csv"))
        with pytest.raises(CommandError, match="no records"):
            run(write(HEADER, name="header.csv"))

        assert not ServiceRecord.objects.exists()

    def test_missing_file_is_a_command_error(self, tmp_path):
        with pytest.raises(CommandError, match="no such file"):
            run(tmp_path / "missing.csv")

        assert not RecordImport.objects.exists()

    def test_directory_is_a_command_error(self, tmp_path):
        with pytest.raises(CommandError, match="no such file"):
            run(tmp_path)

    def test_many_errors_are_listed_up_to_fifty(self, write):
        bad = [f"K-{n},KJSO,UNAMA,PAY-OFF,2026-01-01T10:00,,maybe,," for n in range(60)]

        with pytest.raises(CommandError):
            call_command(
                "import_records",
                str(write(HEADER, *bad)),
                stdout=io.StringIO(),
                stderr=(err := io.StringIO()),
            )

        lines = err.getvalue().splitlines()
        assert len(lines) == 51
        assert lines[0].startswith("line 2, status:")
        assert lines[-1] == "... 10 more errors"


@pytest.mark.django_db(transaction=True)
class TestComplianceAfterTheCommand:
    """Run outside a transaction, as the command is, so that what it sends is sent at once."""

    @pytest.fixture(autouse=True)
    def _reference(self):
        ensure_reference_data()

    def test_without_a_broker_the_changed_months_are_computed_before_it_exits(self, write):
        out, _ = run(write(HEADER, KUWAIT, NAIROBI))

        assert "Compliance computed for KJSO 2026-01; UNON 2026-01." in out
        assert not PendingCompliance.objects.exists()
        assert ComplianceResult.objects.filter(
            provider__code="KJSO", period=dt.date(2026, 1, 1), eligible=1
        ).exists()

    def test_an_unreachable_broker_leaves_the_months_pending_and_says_so(self, write, monkeypatch):
        def unreachable(*args, **kwargs):
            raise BrokerUnavailable("connection refused")

        monkeypatch.setattr(compute_pending_compliance, "delay", unreachable)
        out, _ = run(write(HEADER, KUWAIT))

        assert "1 records created" in out or "1 record created" in out
        assert "Compliance of KJSO 2026-01 is pending: the broker cannot be reached" in out
        assert PendingCompliance.objects.filter(provider__code="KJSO").exists()
        assert ServiceRecord.objects.filter(external_ref="K-1").exists()

    def test_with_a_broker_the_months_are_sent_to_the_workers(self, write, monkeypatch, settings):
        sent = []
        monkeypatch.setattr(compute_pending_compliance, "delay", lambda: sent.append(1))
        monkeypatch.setitem(current_app.conf, "task_always_eager", False)
        out, _ = run(write(HEADER, KUWAIT))

        assert sent == [1]
        assert "Compliance of KJSO 2026-01 sent to the workers." in out
        assert not ComplianceResult.objects.exists()
