"""The compliance pages say which months wait for recomputation (records changed since)."""

import datetime as dt

import pytest

from accounts.choices import Role
from providers.models import ServiceProvider
from sla.services import mark_pending
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
