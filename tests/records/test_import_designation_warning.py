"""Records for a (client, provider, service) without a designation on their received date
are imported all the same and flagged in the report: a count and sample rows (DOMAIN §9),
on the page, the API and the command."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.choices import Role
from providers.models import ServiceProvider
from records.models import ServiceRecord
from records.services import record_import_create
from records.tasks import validate_record_import
from tests.factories import user_with_role
from tests.records.factories import HEADER, import_csv

pytestmark = pytest.mark.django_db

ROWS = (
    # Designated: UNON serves UNEP for conferences (area CONF) since 2024.
    "D-1,UNON,UNEP,CONF-DOC,2026-02-02T08:00,2026-02-03T09:00,,,false\n"
    # Not designated: UNON does not serve UNAMA; UNAMI's KJSO designation ended 2025-12-31.
    "D-2,UNON,UNAMA,CONF-DOC,2026-02-02T08:00,2026-02-03T09:00,,,false\n"
    "D-3,KJSO,UNAMI,PAY-OFF,2026-02-02T08:00,2026-02-03T09:00,,,false\n"
    # Still designated on its received date (local date in Kuwait: 2025-12-31).
    "D-4,KJSO,UNAMI,PAY-OFF,2025-12-31T20:00:00Z,2026-01-02T09:00,,,false\n"
)


def test_counted_sampled_and_imported_all_the_same():
    result = import_csv(ROWS)
    assert result.status == "done"
    assert ServiceRecord.objects.count() == 4
    assert result.undesignated_count == 2
    assert [(r["line"], r["client"], r["service"], r["received_on"], r["designated"])
            for r in result.undesignated_sample] == [
        (3, "UNAMA", "CONF-DOC", "2026-02-02", ""),
        (4, "UNAMI", "PAY-OFF", "2026-02-02", ""),
    ]  # fmt: skip


def test_the_sample_is_short_and_the_count_complete():
    rows = "".join(
        f"S-{n},UNON,UNAMA,CONF-DOC,2026-02-02T08:00,2026-02-03T09:00,,,false\n" for n in range(12)
    )
    result = import_csv(rows)
    assert result.undesignated_count == 12
    assert len(result.undesignated_sample) == 5


def test_the_page_and_the_api_report_it(client):
    staff = user_with_role(Role.PROVIDER_STAFF, provider=ServiceProvider.objects.get(code="UNON"))
    record_import = record_import_create(
        user=staff,
        filename="w.csv",
        source=ContentFile((HEADER + ROWS.split("\n")[1] + "\n").encode()),
    )
    validate_record_import(record_import.pk)
    client.force_login(staff)
    page = client.get(f"/imports/{record_import.pk}/").content.decode()
    assert "1 row is without a designation" in page and "UNAMA" in page
    api = APIClient()
    api.force_login(staff)
    body = api.get(f"/api/v1/record-imports/{record_import.pk}/").json()
    assert body["undesignated_count"] == 1
    assert body["undesignated_sample"][0]["client"] == "UNAMA"
    bulk = api.post(
        "/api/v1/service-records/bulk/",
        [{"external_ref": "B-1", "provider": "UNON", "client": "UNAMA", "service": "CONF-DOC",
          "received_at": "2026-02-02T08:00", "completed_at": "2026-02-03T09:00"}],
        format="json",
    )  # fmt: skip
    assert bulk.status_code == 200 and bulk.json()["undesignated_count"] == 1


def test_the_command_prints_the_warning(tmp_path):
    path = tmp_path / "records.csv"
    path.write_text(HEADER + ROWS)
    out = io.StringIO()
    call_command("import_records", str(path), stdout=out)
    text = out.getvalue()
    assert "Warning: 2 row(s)" in text
    assert "line 3: UNON UNAMA CONF-DOC received 2026-02-02 (designated: nobody)" in text
