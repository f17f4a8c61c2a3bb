"""The illustrative demo support capacities: labelled, stable on a second run, and showing
each finding of the duplication analysis."""

import io

import pytest
from django.core.management import call_command

from capacities.models import SupportCapacity
from capacities.selectors import consolidation, hardship_capacities, local_sharing

pytestmark = pytest.mark.django_db


def test_demo_capacities_are_illustrative_and_show_every_analysis(client):
    call_command("seed_demo", stdout=io.StringIO())
    count = SupportCapacity.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert SupportCapacity.objects.count() == count > 30
    assert not SupportCapacity.objects.filter(is_demo=False).exists()
    assert all("Illustrative" in c.source for c in SupportCapacity.objects.all())
    assert SupportCapacity.objects.filter(served_by__isnull=False).count() >= 5
    shared = {(f.duty_station_code, f.area_code) for f in local_sharing()}
    for station in ("NBO", "BKK", "BEY", "ADD"):
        assert {(station, "HR"), (station, "FIN")} <= shared, station
    assert all(f.illustrative for f in local_sharing())
    assert ("UNSOS", "PAY-RUN", "RSCE") in {
        (f.client_code, f.service_code, p.code) for f in consolidation() for p in f.providers
    }
    assert {"MGQ", "JUB", "BGF", "KBL"} <= {c.duty_station.code for c in hardship_capacities()}
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="demo-management"))
    page = client.get("/capacities/duplication/local-sharing/").content.decode()
    assert "badge-illustrative" in page and "NBO" in page
