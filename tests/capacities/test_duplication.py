"""The duplication analysis of support capacities: hand-built cases with their exact
findings (local sharing, consolidation candidates, hardship duty stations), a fixed number
of queries whatever the rows, the pages, exports and API giving the same findings, and
only the central roles reading them."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from accounts.choices import Role
from capacities.selectors import (
    Filters,
    consolidation,
    hardship_capacities,
    hardship_totals,
    local_sharing,
)
from tests.capacities.factories import HardshipFactory, SupportCapacityFactory
from tests.factories import (
    ClientEntityFactory,
    DutyStationFactory,
    FunctionalAreaFactory,
    OfferingFactory,
    ServiceFactory,
    ServiceProviderFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

ANALYSES = ("local-sharing", "consolidation", "hardship")


@pytest.fixture
def world():
    """Stations TS1 (Kenya, class B), TS2 (South Sudan, class E), TS3 (class D); area
    TAR1 with two location-independent services (TSV1 offered globally by GLOB and locally
    by LOCL; TSV2 offered regionally in SS by REGN and globally by OWNP, a unit of TC-3)
    and one that is not (TSV3, offered globally); area TAR2 with a location-independent
    service nobody offers."""
    s1 = DutyStationFactory(code="TS1", name="Station one", country="KE")
    s2 = DutyStationFactory(code="TS2", name="Station two", country="SS")
    s3 = DutyStationFactory(code="TS3", name="Station three", country="KE")
    HardshipFactory(duty_station=s1, hardship_class="B")
    HardshipFactory(duty_station=s2, hardship_class="E")
    HardshipFactory(duty_station=s3, hardship_class="D")
    c1, c2, c3, c4 = (ClientEntityFactory(code=f"TC-{n}", name=f"Client {n}") for n in range(1, 5))
    ar1 = FunctionalAreaFactory(code="TAR1")
    ar2 = FunctionalAreaFactory(code="TAR2")
    sv1 = ServiceFactory(code="TSV1", area=ar1, location_independent=True)
    sv2 = ServiceFactory(code="TSV2", area=ar1, location_independent=True)
    sv3 = ServiceFactory(code="TSV3", area=ar1, location_independent=False)
    ServiceFactory(code="TSV4", area=ar2, location_independent=True)
    glob, regn, locl = (ServiceProviderFactory(code=c) for c in ("GLOB", "REGN", "LOCL"))
    ownp = ServiceProviderFactory(code="OWNP", entity=c3)
    OfferingFactory(provider=glob, service=sv1, scope="global")
    OfferingFactory(provider=locl, service=sv1, scope="local").countries.create(country="KE")
    OfferingFactory(provider=regn, service=sv2, scope="regional").countries.create(country="SS")
    OfferingFactory(provider=ownp, service=sv2, scope="global")
    OfferingFactory(provider=glob, service=sv3, scope="global")
    team = SupportCapacityFactory
    team(client=c1, duty_station=s1, area=ar1, posts=Decimal(3), annual_cost=300000, currency="USD")
    team(client=c2, duty_station=s1, area=ar1, posts=Decimal("2.5"))
    team(client=c3, duty_station=s1, area=ar2, posts=Decimal(1))
    team(client=c4, duty_station=s1, area=ar1, posts=None, served_by=glob)
    team(client=c1, duty_station=s2, area=ar1, posts=Decimal(4), annual_cost=100, currency="EUR")
    team(client=c2, duty_station=s2, area=ar1, posts=Decimal(1), annual_cost=200, currency="USD")
    team(client=c3, duty_station=s2, area=ar1, posts=Decimal(2))
    team(client=c4, duty_station=s3, area=ar1, posts=None, served_by=glob)
    team(client=c4, duty_station=s3, area=ar2, posts=Decimal(5), is_demo=True)
    return {"ar1": ar1, "ar2": ar2, "s1": s1, "s2": s2}


def test_local_sharing_finds_each_station_and_area_with_two_own_teams(world):
    found = local_sharing()
    assert [(f.duty_station_code, f.area_code) for f in found] == [("TS2", "TAR1"), ("TS1", "TAR1")]
    two, one = found
    assert (two.entities, two.total_posts, two.total_cost, two.currency, two.costed) == (
        3, Decimal(7), None, "several", 2,
    )  # fmt: skip
    assert [(t.client_code, t.posts) for t in two.teams] == [
        ("TC-1", Decimal(4)), ("TC-2", Decimal(1)), ("TC-3", Decimal(2)),
    ]  # fmt: skip
    assert (one.entities, one.total_posts, one.total_cost, one.currency, one.costed) == (
        2, Decimal("5.5"), Decimal(300000), "USD", 1,
    )  # fmt: skip
    assert (str(one.total_posts), str(one.total_cost)) == ("5.50", "300000.00")
    assert [t.client_code for t in one.teams] == ["TC-1", "TC-2"]
    assert (one.hardship_class, one.hardship_illustrative, one.illustrative) == ("B", True, False)


def test_local_sharing_filters_by_area_and_station(world):
    assert local_sharing(filters=Filters(area=world["ar2"])) == []
    (found,) = local_sharing(filters=Filters(duty_station=world["s1"]))
    assert found.area_code == "TAR1"


def test_consolidation_names_global_and_covering_regional_providers(world):
    found = [(f.client_code, f.duty_station_code, f.service_code, f.provider_codes)
             for f in consolidation()]  # fmt: skip
    assert found == [
        ("TC-1", "TS1", "TSV1", "GLOB"),
        ("TC-1", "TS1", "TSV2", "OWNP"),  # REGN serves SS only
        ("TC-1", "TS2", "TSV1", "GLOB"),
        ("TC-1", "TS2", "TSV2", "OWNP; REGN"),
        ("TC-2", "TS1", "TSV1", "GLOB"),
        ("TC-2", "TS1", "TSV2", "OWNP"),
        ("TC-2", "TS2", "TSV1", "GLOB"),
        ("TC-2", "TS2", "TSV2", "OWNP; REGN"),
        ("TC-3", "TS2", "TSV1", "GLOB"),
        ("TC-3", "TS2", "TSV2", "REGN"),  # OWNP is TC-3's own unit
    ]
    first = consolidation()[3]
    assert [(p.code, p.scope) for p in first.providers] == [
        ("OWNP", "global"),
        ("REGN", "regional"),
    ]
    assert consolidation(filters=Filters(area=world["ar2"])) == []


def test_hardship_lists_own_teams_at_classes_c_to_e_most_difficult_first(world):
    rows = [(c.duty_station.code, c.duty_station.hardship.hardship_class, c.client.code)
            for c in hardship_capacities()]  # fmt: skip
    assert rows == [("TS2", "E", "TC-1"), ("TS2", "E", "TC-2"), ("TS2", "E", "TC-3"),
                    ("TS3", "D", "TC-4")]  # fmt: skip
    totals = hardship_totals()
    assert (totals.capacities, totals.entities, totals.duty_stations, totals.posts) == (
        4, 4, 2, Decimal(12),
    )  # fmt: skip
    assert hardship_totals(filters=Filters(area=world["ar2"])).posts == Decimal(5)


def _queries(function) -> int:
    with CaptureQueriesContext(connection) as ctx:
        function()
    return len(ctx.captured_queries)


def _more_rows(world, n):
    for _ in range(n):
        station = DutyStationFactory(country="SS")
        HardshipFactory(duty_station=station, hardship_class="D")
        for _ in range(3):
            SupportCapacityFactory(duty_station=station, area=world["ar1"], annual_cost=5,
                                   currency="USD")  # fmt: skip


@pytest.mark.parametrize(
    ("analysis", "queries"),
    [
        (lambda: local_sharing(), 2),
        (lambda: consolidation(), 1),
        (lambda: list(hardship_capacities()), 1),
        (lambda: hardship_totals(), 1),
    ],
)
def test_each_analysis_runs_a_fixed_number_of_queries(world, analysis, queries):
    assert _queries(analysis) == queries
    _more_rows(world, 5)
    assert _queries(analysis) == queries


@pytest.fixture
def management_api():
    api = APIClient()
    api.force_login(user_with_role(Role.MANAGEMENT))
    return api


@pytest.mark.parametrize("analysis", ANALYSES)
def test_pages_and_api_run_fixed_queries(world, client, management_api, analysis):
    client.force_login(user_with_role(Role.MANAGEMENT))
    page = f"/capacities/duplication/{analysis}/"
    api = f"/api/v1/duplication/{analysis}/"

    def count(call):
        with CaptureQueriesContext(connection) as ctx:
            response = call()
        assert response.status_code == 200
        return len(ctx.captured_queries)

    few = (count(lambda: client.get(page)), count(lambda: management_api.get(api)))
    _more_rows(world, 4)
    assert (count(lambda: client.get(page)), count(lambda: management_api.get(api))) == few
    assert few[0] <= 12 and few[1] <= 8


def test_api_gives_the_findings_paginated(world, management_api):
    data = management_api.get("/api/v1/duplication/consolidation/", {"page_size": 4}).json()
    assert data["count"] == 10 and len(data["results"]) == 4 and data["next"]
    first = data["results"][0]
    assert (first["client"], first["service"], first["providers"][0]["code"]) == (
        "TC-1", "TSV1", "GLOB",
    )  # fmt: skip
    local = management_api.get("/api/v1/duplication/local-sharing/").json()["results"]
    assert [(f["duty_station"], f["total_posts"], f["total_annual_cost"], f["currency"])
            for f in local] == [("TS2", "7.00", None, "several"),
                                ("TS1", "5.50", "300000.000", "USD")]  # fmt: skip
    hardship = management_api.get("/api/v1/duplication/hardship/", {"area": "TAR2"}).json()
    assert [(r["client"], r["hardship_class"], r["illustrative"]) for r in hardship["results"]] == [
        ("TC-4", "D", True)
    ]


@pytest.mark.parametrize("bad", [{"area": "NOPE"}, {"duty_station": "X\x00"}, {"area": "<b>"}])
def test_bad_filters_are_refused_naming_the_field(world, management_api, client, bad):
    response = management_api.get("/api/v1/duplication/local-sharing/", bad)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(bad)
    client.force_login(user_with_role(Role.MANAGEMENT))
    page = client.get("/capacities/duplication/local-sharing/", bad)
    assert page.status_code == 200 and b"Correct the filters" in page.content
    assert (
        client.get("/capacities/duplication/local-sharing/", {**bad, "export": "csv"}).status_code
        == 404
    )


def test_csv_export_holds_every_finding(world, client):
    client.force_login(user_with_role(Role.CATALOGUE_MANAGER))
    response = client.get("/capacities/duplication/local-sharing/", {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Duty station", "Hardship class", "Area", "Entities",
                       "Teams (posts, annual cost)", "Total posts", "Total annual cost",
                       "Currency", "Illustrative"]  # fmt: skip
    assert rows[1][:6] == [
        "TS2",
        "E",
        "TAR1",
        "3",
        "TC-1 4 (100.00 EUR); TC-2 1 (200.00 USD); TC-3 2",
        "7.00",
    ]
    assert rows[1][4] == "TC-1 4 (100.00 EUR); TC-2 1 (200.00 USD); TC-3 2"
    assert rows[1][6:8] == ["", "several"]
    assert rows[2][4:8] == ["TC-1 3 (300000.00 USD); TC-2 2.5", "5.50", "300000.00", "USD"]
    assert len(rows) == 3


def test_xlsx_export_of_consolidation(world, client):
    client.force_login(user_with_role(Role.MANAGEMENT))
    response = client.get("/capacities/duplication/consolidation/", {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["Client entity", "Duty station", "Area"]
    assert len(values) == 11
    assert values[4][0] == "TC-1" and values[4][7] == "OWNP; REGN"


def test_pages_link_to_the_entities_services_and_providers(world, client):
    client.force_login(user_with_role(Role.MANAGEMENT))
    text = client.get("/capacities/duplication/consolidation/").content.decode()
    for href in ("/clients/TC-1/", "/catalogue/services/TSV2/", "/providers/REGN/"):
        assert f'href="{href}"' in text, href
    local = client.get("/capacities/duplication/local-sharing/").content.decode()
    assert 'href="/clients/TC-3/"' in local
    hardship = client.get("/capacities/duplication/hardship/").content.decode()
    assert "illustrative" in hardship and "The classes shipped are illustrative" in hardship


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.MANAGEMENT, True),
        (Role.CATALOGUE_MANAGER, True),
        (Role.CLIENT_FOCAL_POINT, False),
        (Role.PROVIDER_MANAGER, False),
        (Role.PROVIDER_STAFF, False),
    ],
)
def test_only_the_central_roles_read_the_analysis_on_pages_and_api(world, client, role, allowed):
    org = {}
    if role == Role.CLIENT_FOCAL_POINT:
        org = {"client": ClientEntityFactory()}
    elif role in (Role.PROVIDER_MANAGER, Role.PROVIDER_STAFF):
        org = {"provider": ServiceProviderFactory()}
    user = user_with_role(role, **org)
    client.force_login(user)
    api = APIClient()
    api.force_login(user)
    from accounts.selectors import user_scope

    assert user_scope(user).reads_duplication_analysis is allowed
    for analysis in ANALYSES:
        page = client.get(f"/capacities/duplication/{analysis}/")
        answer = api.get(f"/api/v1/duplication/{analysis}/")
        assert (page.status_code, answer.status_code) == ((200, 200) if allowed else (403, 403))
