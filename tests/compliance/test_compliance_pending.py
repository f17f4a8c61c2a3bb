"""The compliance pages say which months wait for recomputation (records changed since)."""

import datetime as dt

import pytest

from accounts.choices import Role
from providers.models import ServiceProvider
from records.services import mark_pending, mark_remeasure
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_pages_name_the_pending_months_of_what_the_user_sees(client):
    kjso = ServiceProvider.objects.get(code="KJSO")
    unon = ServiceProvider.objects.get(code="UNON")
    mark_pending([(kjso.pk, dt.date(2026, 3, 1)), (kjso.pk, dt.date(2026, 2, 1))])
    mark_pending([(unon.pk, dt.date(2026, 5, 1))])

    client.force_login(user_with_role(Role.MANAGEMENT))
    page = client.get("/compliance/providers/KJSO/").content.decode()
    assert "Compliance is pending for 2026-02, 2026-03:" in page
    assert (
        "Compliance is pending for 2026-02, 2026-03, 2026-05"
        in client.get("/compliance/").content.decode()
    )
    assert "Compliance is pending" not in client.get("/compliance/providers/RSCE/").content.decode()

    client.force_login(user_with_role(Role.PROVIDER_STAFF, provider=unon))
    assert "Compliance is pending for 2026-05:" in client.get("/compliance/").content.decode()


def test_pages_say_when_a_calendar_change_is_being_measured_again(client):
    kjso = ServiceProvider.objects.get(code="KJSO")
    mark_remeasure([kjso.duty_station_id])
    notice = "A work calendar changed: its records are being measured again"

    client.force_login(user_with_role(Role.MANAGEMENT))
    assert notice in client.get("/compliance/providers/KJSO/").content.decode()
    assert notice in client.get("/compliance/").content.decode()
    unon = ServiceProvider.objects.get(code="UNON")
    assert unon.duty_station_id != kjso.duty_station_id
    assert notice not in client.get("/compliance/providers/UNON/").content.decode()

    client.force_login(user_with_role(Role.PROVIDER_STAFF, provider=unon))
    assert notice not in client.get("/compliance/").content.decode()  # not its calendar
