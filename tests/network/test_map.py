"""The network map: providers coloured by attainment in their last complete month,
designations as lines, the area filter, the accessible tables, locations loaded from the
reference data, and a fixed number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.choices import Role
from core.models import DutyStation
from network.models import DutyStationLocation
from network.selectors import band_of, network_map
from tests.factories import DesignationFactory, ServiceProviderFactory, user_with_role
from tests.network.factories import NOW, advisor_world, month, stored_result

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


@pytest.fixture
def world():
    world = advisor_world()
    for station, lat, lon in (("T-NBO", "-1.28333", "36.81667"), ("T-KWI", "29.367", "47.97429")):
        DutyStationLocation.objects.create(
            duty_station=DutyStation.objects.get(code=station), latitude=lat, longitude=lon
        )
    DesignationFactory(client=world["client"], area=world["service"].area, provider=world["b"])
    return world


class TestBands:
    def test_bands_and_no_data(self):
        assert [band_of(v) for v in (D("0.95"), D("0.9499"), D("0.80"), D("0.7999"), None)] == [
            "high", "mid", "mid", "low", "none"
        ]  # fmt: skip


class TestNetworkMap:
    def test_attainment_of_the_last_complete_month_only(self, world):
        standard = world["service"].standards.get(kind="timeliness")
        stored_result(provider=world["b"], standard=standard, period=month(6), eligible=10,
                      met=8)  # fmt: skip
        stored_result(provider=world["b"], standard=standard, period=month(5), eligible=10,
                      met=0)  # fmt: skip
        network = network_map(area=world["service"].area, now=NOW)
        points = {p.code: p for p in network.providers}
        assert (points["TST-B"].attainment, points["TST-B"].band) == (D("0.8000"), "mid")
        assert points["TST-B"].month == dt.date(2026, 6, 1)
        # A's results are in March and May: nothing in June.
        assert (points["TST-A"].attainment, points["TST-A"].band) == (None, "none")

    def test_designations_become_lines_between_duty_stations(self, world):
        network = network_map(area=world["service"].area, now=NOW)
        assert [(d.client.code, d.what, d.provider.code) for d in network.designations] == [
            ("TST-CLIENT-N", world["service"].area.code, "TST-B")
        ]
        ((start, end),) = network.lines
        assert (start.code, end.code) == ("TST-B", "TST-CLIENT-N")
        assert start.located and end.located and start.x > end.x  # Kuwait east of Nairobi

    def test_the_area_filter_keeps_that_area_only(self, world):
        other = DesignationFactory(provider=ServiceProviderFactory(code="TST-ELSEWHERE"))
        network = network_map(area=world["service"].area, now=NOW)
        codes = {p.code for p in network.providers}
        assert {"TST-A", "TST-B", "TST-C"} <= codes and "TST-ELSEWHERE" not in codes
        everything = network_map(now=NOW)
        assert other.client.code in {p.code for p in everything.clients}


class TestPage:
    def test_map_legend_and_tables(self, world, client):
        client.force_login(user_with_role(Role.MANAGEMENT))
        response = client.get("/network/map/", {"area": world["service"].area.code})
        html = response.content.decode()
        assert response.status_code == 200
        assert '<svg viewBox="0 0 1080 426" aria-hidden="true"' in html
        assert html.count('class="band-') >= 3 and "no data" in html
        for caption in ("Providers, by attainment", "Client entities served",
                        "Designations in force on 2026-07-15"):  # fmt: skip
            assert caption in html
        assert "<line " in html

    def test_an_unknown_area_is_a_form_error(self, world, client):
        client.force_login(user_with_role(Role.CATALOGUE_MANAGER))
        html = client.get("/network/map/", {"area": "NOPE"}).content.decode()
        assert "No functional area with this code." in html and "<svg" not in html

    @pytest.mark.parametrize(
        ("role", "expected"),
        [(Role.MANAGEMENT, 200), (Role.CATALOGUE_MANAGER, 200),
         (Role.CLIENT_FOCAL_POINT, 403), (Role.PROVIDER_STAFF, 403)],
    )  # fmt: skip
    def test_central_roles_only(self, world, client, role, expected):
        kwargs = {"client": world["client"]} if role == Role.CLIENT_FOCAL_POINT else {}
        if role == Role.PROVIDER_STAFF:
            kwargs = {"provider": world["a"]}
        client.force_login(user_with_role(role, **kwargs))
        assert client.get("/network/map/").status_code == expected

    def test_runs_a_fixed_number_of_queries_whatever_the_number_of_providers(self, world, client):
        client.force_login(user_with_role(Role.MANAGEMENT))
        client.get("/network/map/")
        with CaptureQueriesContext(connection) as few:
            client.get("/network/map/")
        for _ in range(5):
            DesignationFactory()
        with CaptureQueriesContext(connection) as more:
            client.get("/network/map/")
        assert len(few) == len(more) <= 12


class TestReferenceLocations:
    def test_every_reference_duty_station_has_a_location_with_its_source(self):
        stations = DutyStation.objects.all()  # the reference data only, in this test
        located = DutyStationLocation.objects.filter(duty_station__in=stations)
        assert located.count() == stations.count() == 38
        nairobi = located.get(duty_station__code="NBO")
        assert (nairobi.latitude, nairobi.longitude) == (D("-1.28333"), D("36.81667"))
        assert "GeoNames 184745" in nairobi.source
        assert located.get(duty_station__code="GLN").is_illustrative  # approximate, says so
