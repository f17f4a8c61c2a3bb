"""The designations API and pages (DOMAIN §9): filters named as the contract says, the
workflow's actions, the same scope on the pages and the API, fixed query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.choices import Role
from catalogue.models import Designation
from providers.models import ServiceProvider
from tests.catalogue.factories import catalogue_manager, focal_point, request
from tests.factories import DesignationFactory, user_with_role

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def focal():
    return focal_point("UNEP", username="unep-focal")


@pytest.fixture
def curator():
    return catalogue_manager(username="curator")


BODY = {"client": "UNEP", "provider": "UNICTF", "service": "ICT-HST", "valid_from": "2030-01-01"}


class TestFilters:
    def test_contract_filters_on_approved_designations(self, focal):
        request(focal)  # pending: not listed by default
        body = (
            api(focal).get("/api/v1/designations/", {"client": "UNEP", "on": "2026-06-01"}).json()
        )
        assert {d["provider"]["code"] for d in body["results"]} == {"UNON"}
        assert {d["status"] for d in body["results"]} == {"approved"}
        travel = (
            api(focal)
            .get("/api/v1/designations/", {"client": "UNEP", "area": "TRV", "provider": "UNON"})
            .json()
        )
        assert travel["count"] == 1 and travel["results"][0]["valid_to"] is None
        closed = (
            api(focal).get("/api/v1/designations/", {"client": "UNAMI", "on": "2026-06-01"}).json()
        )
        assert closed["count"] == 0
        by_service = api(focal).get("/api/v1/designations/", {"service": "ICT-RFT"}).json()
        assert by_service["count"] >= 1
        assert all(d["service"]["code"] == "ICT-RFT" for d in by_service["results"])

    def test_status_shows_requests(self, focal):
        pending = request(focal)
        body = api(focal).get("/api/v1/designations/", {"status": "requested"}).json()
        assert [d["id"] for d in body["results"]] == [pending.pk]
        assert body["results"][0]["requested_by"] == str(focal)

    @pytest.mark.parametrize(
        "query", [{"on": "2026-13-01"}, {"client": "NOPE"}, {"status": "maybe"}]
    )
    def test_bad_filters_are_400(self, focal, query):
        response = api(focal).get("/api/v1/designations/", query)
        assert response.status_code == 400
        assert set(query) <= set(response.json()["errors"])


class TestActions:
    def test_request_approve_through_the_api(self, focal, curator):
        response = api(focal).post("/api/v1/designations/", BODY, format="json")
        assert response.status_code == 201, response.json()
        pk = response.json()["id"]
        assert response.json()["status"] == "requested"
        decided = api(curator).post(f"/api/v1/designations/{pk}/approve/", {}, format="json")
        assert decided.status_code == 200 and decided.json()["status"] == "approved"
        again = api(curator).post(f"/api/v1/designations/{pk}/approve/", {}, format="json")
        assert again.status_code == 400 and "status" in again.json()["errors"]

    def test_decline_without_reason_is_400_and_changes_nothing(self, focal, curator):
        pending = request(focal)
        response = api(curator).post(
            f"/api/v1/designations/{pending.pk}/decline/", {}, format="json"
        )
        assert response.status_code == 400 and "reason" in response.json()["errors"]
        assert Designation.objects.get(pk=pending.pk).status == "requested"

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({**BODY, "valid_to": "2029-01-01"}, "valid_to"),
            ({**BODY, "valid_to": "2020-01-01", "valid_from": "2019-01-01"}, "valid_to"),
            ({**BODY, "area": "ICT"}, "service"),
            ({k: v for k, v in BODY.items() if k != "service"}, "service"),
            ({**BODY, "status": "approved"}, "status"),  # read-only
            ({**BODY, "effective_from": "2030-01-01"}, "effective_from"),  # unknown
            ({**BODY, "client": "UNAMA"}, "client"),  # not the user's entity
            ({**BODY, "valid_from": "not a date"}, "valid_from"),
        ],
    )
    def test_bad_requests_name_the_field_and_store_nothing(self, focal, body, field):
        before = Designation.objects.count()
        response = api(focal).post("/api/v1/designations/", body, format="json")
        assert response.status_code == 400, response.json()
        assert field in response.json()["errors"]
        assert Designation.objects.count() == before

    def test_no_direct_edits(self, curator):
        pk = Designation.objects.first().pk
        for method in ("put", "patch", "delete"):
            assert getattr(api(curator), method)(f"/api/v1/designations/{pk}/").status_code == 405

    def test_end_through_the_api(self, curator):
        designation = Designation.objects.filter(client__code="UNAMA", area__code="HR").get()
        response = api(curator).post(
            f"/api/v1/designations/{designation.pk}/end/",
            {"valid_to": "2031-12-31", "reason": "KJSO hands HR over."},
            format="json",
        )
        assert response.status_code == 200, response.json()
        assert response.json()["valid_to"] == "2031-12-31"


class TestPagesAndApiAgree:
    """Who sees a request: the pages and the API answer alike (UserScope.sees_designation)."""

    @pytest.mark.parametrize(
        ("role", "org", "sees"),
        [
            (Role.CLIENT_FOCAL_POINT, ("client", "UNEP"), True),
            (Role.CLIENT_FOCAL_POINT, ("client", "UNAMA"), False),
            (Role.PROVIDER_STAFF, ("provider", "UNICTF"), True),
            (Role.PROVIDER_STAFF, ("provider", "KJSO"), False),
            (Role.MANAGEMENT, None, True),
            (Role.CATALOGUE_MANAGER, None, True),
        ],
    )
    def test_a_pending_request(self, focal, role, org, sees):
        pending = request(focal)
        kwargs = {}
        if org:
            from clients.models import ClientEntity

            model = ClientEntity if org[0] == "client" else ServiceProvider
            kwargs[org[0]] = model.objects.get(code=org[1])
        user = user_with_role(role, **kwargs)
        client = api(user)
        expected = 200 if sees else 404
        assert client.get(f"/api/v1/designations/{pending.pk}/").status_code == expected
        assert client.get(f"/designations/{pending.pk}/").status_code == expected
        listed_api = [
            d["id"] for d in client.get("/api/v1/designations/?status=requested").json()["results"]
        ]
        page = client.get("/designations/?status=requested").content.decode()
        assert (pending.pk in listed_api) is sees
        assert (f'/designations/{pending.pk}/"' in page) is sees


class TestPages:
    def test_request_page_then_decide(self, client, focal, curator):
        client.force_login(focal)
        assert client.get("/designations/request/?service=ICT-HST").status_code == 200
        response = client.post(
            "/designations/request/",
            {
                "client": "UNEP",
                "provider": "UNICTF",
                "service": "ICT-HST",
                "valid_from": "2030-01-01",
            },
        )
        assert response.status_code == 302
        pending = Designation.objects.get(status="requested")
        client.force_login(curator)
        refused = client.post(f"/designations/{pending.pk}/decline/", {"decline-reason": ""})
        assert refused.status_code == 400 and "Say why you decline" in refused.content.decode()
        assert client.post(f"/designations/{pending.pk}/approve/", {}).status_code == 302
        page = client.get(f"/designations/{pending.pk}/").content.decode()
        assert "Approved" in page and "requested" in page

    def test_bad_request_on_the_page_is_400_and_stores_nothing(self, client, focal):
        client.force_login(focal)
        before = Designation.objects.count()
        response = client.post(
            "/designations/request/",
            {"client": "UNEP", "provider": "UNICTF", "service": "ICT-HST", "area": "ICT",
             "valid_from": "2030-01-01"},
        )  # fmt: skip
        assert response.status_code == 400
        assert Designation.objects.count() == before

    def test_a_focal_point_sees_travel_designated_where_its_sla_is(self, client, focal):
        client.force_login(focal)
        page = client.get("/catalogue/services/TRV-OFF/").content.decode()
        assert "No provider is designated" not in page
        assert "United Nations Office at Nairobi" in page
        profile = client.get("/clients/UNEP/").content.decode()
        assert "TRV-OFF" in profile


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "url",
    ["/api/v1/designations/", "/api/v1/designations/?status=any", "/designations/",
     "/designations/?status=any"],
)  # fmt: skip
def test_list_queries_do_not_grow_with_rows(url, focal):
    client = api(user_with_role(Role.MANAGEMENT))
    _queries(client, url)  # warm
    first = _queries(client, url)
    for n in range(15):
        DesignationFactory(status="requested" if n % 2 else "approved", requested_by=focal,
                           requested_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))  # fmt: skip
    assert _queries(client, url) == first
    assert first <= (12 if url.startswith("/designations/") else 6)
