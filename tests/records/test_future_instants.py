"""A record's instants may not lie in the future (5 minutes of clock skew allowed): a row
error naming the column, on every path (CSV page, command, bulk API, single API), and
nothing stored."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from accounts.choices import Role
from providers.models import ServiceProvider
from records.models import ServiceRecord
from tests.factories import user_with_role
from tests.records.factories import HEADER, import_csv

pytestmark = pytest.mark.django_db


def stamp(delta: dt.timedelta) -> str:
    """An instant ``delta`` from now, with its offset (so no zone is involved)."""
    return (dt.datetime.now(dt.UTC) + delta).replace(microsecond=0).isoformat()


AN_HOUR_AGO = stamp(dt.timedelta(hours=-1))


def row(ref, received=AN_HOUR_AGO, completed="", pauses="", status=""):
    return f"{ref},KJSO,UNAMA,PAY-OFF,{received},{completed},{status},{pauses},\n"


def errors(result) -> set[tuple[str, str]]:
    return {(e.column, e.message.split(" is ")[-1]) for e in result.errors.all()}


class TestTheRule:
    def test_received_completed_and_pause_ends_in_the_future_are_row_errors(self):
        soon = stamp(dt.timedelta(hours=2))
        result = import_csv(
            row("F-1", received=soon)
            + row("F-2", completed=soon)
            + row("F-3", completed=stamp(dt.timedelta(minutes=-1)), pauses=f"{AN_HOUR_AGO}/{soon}")
        )
        assert result.status == "rejected"
        found = {(e.line, e.column) for e in result.errors.all()}
        assert found == {(2, "received_at"), (3, "completed_at"), (4, "pauses")}
        assert {e.message for e in result.errors.filter(column="pauses")} == {
            "pause 1 ends in the future"
        }
        assert all("in the future" in e.message for e in result.errors.all())
        assert not ServiceRecord.objects.exists()

    def test_five_minutes_of_clock_skew_are_allowed(self):
        result = import_csv(
            row("S-1", completed=stamp(dt.timedelta(minutes=4)))
            + row("S-2", received=stamp(dt.timedelta(minutes=4)), status="open")
        )
        assert result.status == "done", list(result.errors.values_list("message", flat=True))
        late = import_csv(row("S-3", completed=stamp(dt.timedelta(minutes=6))))
        assert {e.column for e in late.errors.all()} == {"completed_at"}

    def test_far_future_years_are_refused_too(self):
        result = import_csv(row("Y-1", received="2030-01-01T08:00", completed="2030-01-02T08:00"))
        assert {e.column for e in result.errors.all()} == {"received_at", "completed_at"}
        assert not ServiceRecord.objects.exists()


class TestEveryPath:
    def staff(self):
        return user_with_role(
            Role.PROVIDER_STAFF, provider=ServiceProvider.objects.get(code="KJSO")
        )

    def test_the_csv_page(self, client, django_capture_on_commit_callbacks):
        client.force_login(self.staff())
        upload = SimpleUploadedFile(
            "records.csv", (HEADER + row("P-1", received="2030-01-01T08:00")).encode()
        )
        with django_capture_on_commit_callbacks(execute=True):  # the validation task
            response = client.post("/imports/new/", {"file": upload})
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "received_at" in page and "in the future" in page
        assert not ServiceRecord.objects.exists()

    def test_the_command(self, tmp_path):
        path = tmp_path / "records.csv"
        path.write_text(HEADER + row("C-1", received="2030-01-01T08:00"))
        said = io.StringIO()
        with pytest.raises(CommandError):
            call_command("import_records", str(path), stdout=io.StringIO(), stderr=said)
        assert "line 2, received_at: 2030-01-01T08:00 is in the future" in said.getvalue()
        assert not ServiceRecord.objects.exists()

    def record(self, **values):
        return {
            "external_ref": "A-1",
            "provider": "KJSO",
            "client": "UNAMA",
            "service": "PAY-OFF",
            "received_at": AN_HOUR_AGO,
            **values,
        }

    def test_the_single_api(self):
        api = APIClient()
        api.force_authenticate(self.staff())
        response = api.post(
            "/api/v1/service-records/", self.record(completed_at="2030-01-02T08:00"), "json"
        )
        assert response.status_code == 400
        assert "in the future" in " ".join(response.json()["errors"]["completed_at"])
        assert not ServiceRecord.objects.exists()

    def test_the_bulk_api(self):
        api = APIClient()
        api.force_authenticate(self.staff())
        body = [self.record(), self.record(external_ref="A-2", received_at="2031-05-05")]
        response = api.post("/api/v1/service-records/bulk/", body, "json")
        assert response.status_code == 400, response.content
        assert "in the future" in response.content.decode()
        assert "received_at" in response.content.decode()
        assert not ServiceRecord.objects.exists()
