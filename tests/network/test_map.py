"""The network map: providers coloured by attainment in their last complete month,
designations as lines, the area and day filters, the accessible tables, locations loaded
from the reference data, the API that answers from the same selector, who sees which
provider's attainment (UserScope.sees_provider, as on the compliance pages), bad input,
and a fixed number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.choices import Role
from accounts.selectors import user_scope
from compliance.models import ComplianceResult
from core.models import DutyStation
from network.models import DutyStationLocation
from network.selectors import band_of, network_map
from tests.factories import (
    DesignationFactory,
    OfferingFactory,
    ServiceProviderFactory,
    user_with_role,
)
from tests.network.factories import NOW, advisor_world, month, stored_result

pytestmark = pytest.mark.django_db
D = Decimal
URL = "/api/v1/network-map/"


def organisation(world, role) -> dict:
    """The organisation a role acts for in these tests: provider A, or the client entity
    (which B is designated to serve)."""
    if role == Role.CLIENT_FOCAL_POINT:
        return {"client": world["client"]}
    if role in (Role.PROVIDER_STAFF, Role.PROVIDER_MANAGER):
        return {"provider": world["a"]}
    return {}


def june_results(world):
    """June 2026 (the last complete month on NOW): A 9 of 10, B 8 of 10, C none."""
    standard = world["service"].standards.get(kind="timeliness")
    stored_result(provider=world["a"], standard=standard, period=month(6), eligible=10,
                  met=9)  # fmt: skip
    stored_result(provider=world["b"], standard=standard, period=month(6), eligible=10,
                  met=8)  # fmt: skip


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


@pytest.fixture
def management():
    return user_with_role(Role.MANAGEMENT)


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
    def test_attainment_of_the_last_complete_month_only(self, world, management):
        standard = world["service"].standards.get(kind="timeliness")
        stored_result(provider=world["b"], standard=standard, period=month(6), eligible=10,
                      met=8)  # fmt: skip
        stored_result(provider=world["b"], standard=standard, period=month(5), eligible=10,
                      met=0)  # fmt: skip
        network = network_map(user=management, area=world["service"].area, now=NOW)
        points = {p.code: p for p in network.providers}
        assert (points["TST-B"].attainment, points["TST-B"].band) == (D("0.8000"), "mid")
        assert points["TST-B"].month == dt.date(2026, 6, 1)
        # A's results are in March and May: nothing in June.
        assert (points["TST-A"].attainment, points["TST-A"].band) == (None, "none")

    def test_designations_become_lines_between_duty_stations(self, world, management):
        network = network_map(user=management, area=world["service"].area, now=NOW)
        assert [(d.client.code, d.what, d.provider.code) for d in network.designations] == [
            ("TST-CLIENT-N", world["service"].area.code, "TST-B")
        ]
        ((start, end),) = network.lines
        assert (start.code, end.code) == ("TST-B", "TST-CLIENT-N")
        assert start.located and end.located and start.x > end.x  # Kuwait east of Nairobi

    def test_the_area_filter_keeps_that_area_only(self, world, management):
        other = DesignationFactory(provider=ServiceProviderFactory(code="TST-ELSEWHERE"))
        network = network_map(user=management, area=world["service"].area, now=NOW)
        codes = {p.code for p in network.providers}
        assert {"TST-A", "TST-B", "TST-C"} <= codes and "TST-ELSEWHERE" not in codes
        everything = network_map(user=management, now=NOW)
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
        "role",
        [Role.MANAGEMENT, Role.CATALOGUE_MANAGER, Role.CLIENT_FOCAL_POINT, Role.PROVIDER_STAFF,
         Role.PROVIDER_MANAGER],
    )  # fmt: skip
    def test_every_signed_in_role_opens_the_page_and_the_api(self, world, client, role):
        # Providers, client entities and approved designations are open to every signed-in
        # user (the catalogue, the profiles, the designations list); attainment is scoped.
        user = user_with_role(role, **organisation(world, role))
        client.force_login(user)
        api = APIClient()
        api.force_authenticate(user)
        assert client.get("/network/map/").status_code == 200
        assert api.get(URL).status_code == 200

    def test_the_menu_leads_a_providers_staff_to_the_map(self, world, client):
        # The advisor is not theirs (UserScope.seeks_designation_advice): the menu's
        # Network opens the map, which links to no advisor.
        client.force_login(user_with_role(Role.PROVIDER_STAFF, provider=world["a"]))
        html = client.get("/network/map/").content.decode()
        assert '<a href="/network/map/" aria-current="page">Network</a>' in html
        assert "/network/advisor/" not in html

    def test_anonymous_callers_are_refused(self, world, client):
        assert client.get("/network/map/").status_code == 302
        assert APIClient().get(URL).status_code == 401

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


def providers_of(body) -> dict:
    return {p["code"]: p for p in body["providers"]}


class TestApi:
    def test_answers_providers_clients_and_designations_from_the_selector(self, world, management):
        june_results(world)
        api = APIClient()
        api.force_authenticate(management)
        response = api.get(URL, {"area": world["service"].area.code})
        assert response.status_code == 200
        body = response.json()
        assert (body["on"], body["area"]) == ("2026-07-15", world["service"].area.code)
        providers = providers_of(body)
        assert providers["TST-B"] == {
            "code": "TST-B", "name": world["b"].name, "duty_station": "T-KWI",
            "latitude": "29.36700", "longitude": "47.97429", "scope": "regional",
            "countries": ["KE"], "period": "2026-06", "attainment_shown": True,
            "eligible": 10, "met": 8, "attainment": "0.8000", "provisional": False,
            "band": "mid",
        }  # fmt: skip
        assert (providers["TST-A"]["scope"], providers["TST-A"]["countries"]) == ("global", [])
        assert (providers["TST-C"]["scope"], providers["TST-C"]["countries"]) == ("local", ["UG"])
        assert (providers["TST-C"]["attainment"], providers["TST-C"]["band"]) == (None, "none")
        assert body["clients"] == [
            {"code": "TST-CLIENT-N", "name": world["client"].name, "duty_station": "T-NBO",
             "latitude": "-1.28333", "longitude": "36.81667"}
        ]  # fmt: skip
        assert body["designations"] == [
            {"client": "TST-CLIENT-N", "provider": "TST-B", "service": None,
             "area": world["service"].area.code, "valid_from": "2024-01-01", "valid_to": None}
        ]  # fmt: skip
        # The page shows the same facts, from the same selector.
        network = network_map(user=management, area=world["service"].area, now=NOW)
        assert [p.code for p in network.providers] == list(providers)
        shown = [None if p.attainment is None else str(p.attainment) for p in network.providers]
        assert shown == [p["attainment"] for p in providers.values()]

    def test_a_month_still_provisional_is_flagged(self, world, management):
        june_results(world)
        ComplianceResult.objects.filter(provider=world["b"]).update(provisional=True)
        api = APIClient()
        api.force_authenticate(management)
        providers = providers_of(api.get(URL).json())
        assert (providers["TST-B"]["provisional"], providers["TST-A"]["provisional"]) == (
            True,
            False,
        )
        client = Client()
        client.force_login(management)
        assert "provisional: month not over" in client.get("/network/map/").content.decode()

    def test_on_draws_the_designations_of_that_day_and_the_month_before_it(self, world, management):
        standard = world["service"].standards.get(kind="timeliness")
        # A's March 2026 (9 of 10, in advisor_world) is the last month complete on 2026-04-10.
        DesignationFactory(
            client=world["client"], service=world["service"], area=None, provider=world["a"],
            valid_from=dt.date(2026, 4, 1), valid_to=dt.date(2026, 4, 30),
        )  # fmt: skip
        stored_result(provider=world["b"], standard=standard, period=month(3), eligible=4,
                      met=1)  # fmt: skip
        api = APIClient()
        api.force_authenticate(management)
        body = api.get(URL, {"on": "2026-04-10"}).json()
        assert body["on"] == "2026-04-10"
        providers = providers_of(body)
        assert (providers["TST-A"]["period"], providers["TST-A"]["attainment"]) == (
            "2026-03",
            "0.9000",
        )
        assert (providers["TST-B"]["attainment"], providers["TST-B"]["band"]) == ("0.2500", "low")
        pairs = {(d["client"], d["provider"], d["service"]) for d in body["designations"]}
        assert ("TST-CLIENT-N", "TST-A", "TST-SVC-N") in pairs
        later = api.get(URL, {"on": "2026-05-01"}).json()
        assert "TST-A" not in {d["provider"] for d in later["designations"]}
        before = api.get(URL, {"on": "2023-12-31"}).json()  # the area designation starts 2024
        assert "TST-CLIENT-N" not in {d["client"] for d in before["designations"]}
        assert "TST-CLIENT-N" not in {c["code"] for c in before["clients"]}

    @pytest.mark.parametrize(
        ("query", "field", "reason"),
        [
            ({"area": "NOPE"}, "area", "No functional area with this code."),
            ({"area": "A\x00B"}, "area", "No functional area with this code."),
            ({"area": "X" * 500}, "area", "No functional area with this code."),
            ({"on": "yesterday"}, "on", "Enter a date as YYYY-MM-DD"),
            ({"on": "2026-02-30"}, "on", "Enter a date as YYYY-MM-DD"),
            ({"on": "15/07/2026"}, "on", "Enter a date as YYYY-MM-DD"),
            ({"on": "9999-01-01"}, "on", "between 1990 and 2100"),
            ({"on": "0001-01-01"}, "on", "between 1990 and 2100"),
            ({"sort": "code"}, "sort", "Unknown query parameter"),
            ({"provider": "TST-A"}, "provider", "Unknown query parameter"),
        ],
    )  # fmt: skip
    def test_bad_input_is_a_400_naming_the_parameter(self, world, management, query, field,
                                                     reason):  # fmt: skip
        api = APIClient()
        api.force_authenticate(management)
        response = api.get(URL, query)
        assert response.status_code == 400
        body = response.json()
        assert body["message"] and reason in " ".join(body["errors"][field])

    def test_the_page_names_the_day_it_shows(self, world, client, management):
        client.force_login(management)
        html = client.get("/network/map/", {"on": "2026-04-10"}).content.decode()
        assert "designations in force on 2026-04-10" in html
        assert "the last month complete on that day" in html
        assert "Designations in force on 2026-04-10" in html  # the table's caption

    def test_bad_input_on_the_page_is_a_form_error(self, world, client, management):
        client.force_login(management)
        html = client.get("/network/map/", {"on": "9999-01-01"}).content.decode()
        assert "Choose a date between 1990 and 2100." in html and "<svg" not in html

    @pytest.mark.parametrize("role", [Role.MANAGEMENT, Role.PROVIDER_STAFF,
                                      Role.CLIENT_FOCAL_POINT])  # fmt: skip
    def test_runs_a_fixed_number_of_queries_whatever_the_number_of_rows(self, world, role):
        june_results(world)
        api = APIClient()
        api.force_authenticate(user_with_role(role, **organisation(world, role)))
        api.get(URL)  # the user's scope is read once, then cached
        with CaptureQueriesContext(connection) as few:
            assert api.get(URL).status_code == 200
        for _ in range(4):
            DesignationFactory(client=world["client"], provider=ServiceProviderFactory())
            OfferingFactory(provider=world["b"]).countries.create(country="UG")
        with CaptureQueriesContext(connection) as more:
            body = api.get(URL).json()
        assert [d["client"] for d in body["designations"]].count("TST-CLIENT-N") == 5
        assert len(few) == len(more) <= 6


class TestWhoSeesWhichAttainment:
    """A provider's attainment as the compliance pages show it (UserScope.sees_provider):
    the central roles see every provider's; a provider's people see their own; a client's
    focal points see those designated to serve their entity. Others are "not shown"."""

    def test_provider_staff_see_their_own_and_management_see_every_one(
        self, world, client, management
    ):
        june_results(world)
        staff = user_with_role(Role.PROVIDER_STAFF, provider=world["a"])
        seen = {}
        for who in (staff, management):
            api = APIClient()
            api.force_authenticate(who)
            seen[who] = providers_of(api.get(URL).json())
        mine = seen[staff]
        assert (mine["TST-A"]["attainment_shown"], mine["TST-A"]["attainment"],
                mine["TST-A"]["band"]) == (True, "0.9000", "mid")  # fmt: skip
        assert {k: mine["TST-B"][k] for k in ("attainment_shown", "eligible", "met", "attainment",
                                             "provisional", "band")} == {
            "attainment_shown": False, "eligible": None, "met": None, "attainment": None,
            "provisional": None, "band": "hidden",
        }  # fmt: skip
        # The rest of the map is the same for both: providers, places, scope, designations.
        assert mine["TST-B"]["duty_station"] == "T-KWI" and mine["TST-B"]["scope"] == "regional"
        everyone = seen[management]
        assert list(mine) == list(everyone)
        assert (everyone["TST-B"]["attainment"], everyone["TST-B"]["band"]) == ("0.8000", "mid")
        assert all(p["attainment_shown"] for p in everyone.values())

        area = {"area": world["service"].area.code}  # the test providers only
        client.force_login(staff)
        html = client.get("/network/map/", area).content.decode()
        assert "Provider, attainment not shown" in html
        assert html.count('<circle class="band-hidden"') == 2  # B and C
        table = html[html.index("Providers, by attainment") :]
        row_b = table[table.index("TST-B") : table.index("TST-C")]
        assert "not shown" in row_b and "80.0%" not in row_b
        client.force_login(management)
        html = client.get("/network/map/", area).content.decode()
        assert "not shown" not in html and 'class="band-hidden"' not in html
        assert "80.0%" in html and "90.0%" in html

    def test_a_focal_point_sees_the_providers_designated_to_serve_their_entity(self, world):
        june_results(world)
        api = APIClient()
        api.force_authenticate(user_with_role(Role.CLIENT_FOCAL_POINT, client=world["client"]))
        providers = providers_of(api.get(URL).json())
        assert providers["TST-B"]["attainment"] == "0.8000"  # designated for its area
        assert not providers["TST-A"]["attainment_shown"]
        assert not providers["TST-C"]["attainment_shown"]

    def test_the_same_answer_as_the_compliance_rule(self, world):
        june_results(world)
        staff = user_with_role(Role.PROVIDER_STAFF, provider=world["b"])
        network = network_map(user=staff, now=NOW)
        scope = user_scope(staff)
        assert {p.code: p.shown for p in network.providers if p.code.startswith("TST-")} == {
            p.code: scope.sees_provider(p.pk) for p in (world["a"], world["b"], world["c"])
        }
