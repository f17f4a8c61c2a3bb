"""Compliance through the API and the pages: scoping, filters, summary, drill-down."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from accounts.choices import Role
from clients.models import ClientEntity
from compliance.engine import compute_provider_month
from providers.models import ServiceProvider
from tests.factories import user_with_role
from tests.records.factories import import_csv

pytestmark = pytest.mark.django_db
LATER = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


@pytest.fixture
def computed():
    import_csv(
        "K-1,KJSO,UNAMA,PAY-OFF,2026-02-01T08:00,2026-02-02T09:00,,,false\n"
        "K-2,KJSO,UNAMA,PAY-OFF,2026-02-01T08:00,2026-02-20T09:00,,,false\n"
        "N-1,UNON,UNEP,CONF-DOC,2026-02-02T08:00,2026-02-03T09:00,,,false\n"
    )
    for code in ("KJSO", "UNON"):
        provider = ServiceProvider.objects.get(code=code)
        compute_provider_month(provider_id=provider.pk, month=dt.date(2026, 2, 1), now=LATER)


def api_as(role, **org):
    api = APIClient()
    api.force_login(user_with_role(role, **org))
    return api


class TestComplianceApi:
    def test_results_carry_the_keys_and_numbers(self, computed):
        body = (
            api_as(Role.MANAGEMENT)
            .get("/api/v1/compliance/", {"provider": "KJSO", "period": "2026-02", "scope": "mss"})
            .json()
        )
        result = next(r for r in body["results"] if r["measure"] == "MSS-PAY-OFF-T")
        assert (result["eligible"], result["met"], result["status"]) == (2, 1, "breached")
        assert result["attainment"] == "0.5000"
        assert result["period"] == "2026-02"
        assert result["provider"]["code"] == "KJSO"
        assert "/records/?" in result["records"] and "completed_month=2026-02" in result["records"]

    def test_a_provider_sees_only_its_own(self, computed):
        unon = ServiceProvider.objects.get(code="UNON")
        body = api_as(Role.PROVIDER_STAFF, provider=unon).get("/api/v1/compliance/").json()
        assert {r["provider"]["code"] for r in body["results"]} == {"UNON"}

    def test_a_client_sees_standards_of_providers_serving_it(self, computed):
        unep = ClientEntity.objects.get(code="UNEP")
        body = api_as(Role.CLIENT_FOCAL_POINT, client=unep).get("/api/v1/compliance/").json()
        assert {r["provider"]["code"] for r in body["results"]} == {"UNON"}

    def test_summary_groups_and_says_when_computed(self, computed):
        body = (
            api_as(Role.MANAGEMENT)
            .get("/api/v1/compliance/summary/", {"group_by": "provider", "period": "2026-02"})
            .json()
        )
        groups = {g["code"]: g for g in body["groups"]}
        assert groups["KJSO"]["eligible"] >= 2 and groups["KJSO"]["breached"] >= 1
        assert body["last_computed_at"]

    @pytest.mark.parametrize(
        "params",
        [{"period": "2026-13"}, {"period": "Feb"}, {"scope": "x"}, {"measure": "NOPE"}],
    )
    def test_bad_filters_are_400(self, computed, params):
        response = api_as(Role.MANAGEMENT).get("/api/v1/compliance/", params)
        assert response.status_code == 400
        assert set(response.json()["errors"]) == set(params)

    def test_bad_grouping_is_400(self, computed):
        response = api_as(Role.MANAGEMENT).get("/api/v1/compliance/summary/", {"group_by": "x"})
        assert response.status_code == 400

    def test_compute_is_for_managers(self, computed):
        kjso = ServiceProvider.objects.get(code="KJSO")
        staff = api_as(Role.PROVIDER_STAFF, provider=kjso)
        assert staff.post("/api/v1/compliance/compute/", {}, format="json").status_code == 403
        manager = api_as(Role.PROVIDER_MANAGER, provider=kjso)
        response = manager.post("/api/v1/compliance/compute/", {"period": "2026-02"}, format="json")
        assert response.status_code == 202
        assert response.json()["enqueued"] == 1
        other = ServiceProvider.objects.get(code="UNON")
        refused = manager.post(
            "/api/v1/compliance/compute/", {"provider": other.code}, format="json"
        )
        assert refused.status_code == 403
        bad = manager.post("/api/v1/compliance/compute/", {"period": "2026-2"}, format="json")
        assert bad.status_code == 400


class TestCompliancePages:
    def test_provider_page_shows_months_and_breaches_with_links(self, client, computed):
        client.force_login(user_with_role(Role.MANAGEMENT))
        response = client.get("/compliance/providers/KJSO/")
        assert response.status_code == 200
        body = response.content.decode()
        assert "Feb 2026" in body and "MSS-PAY-OFF-T" in body
        assert "completed_month=2026-02" in body
        assert len(response.context["breaches"]) >= 1

    def test_records_behind_a_figure(self, client, computed):
        client.force_login(user_with_role(Role.MANAGEMENT))
        response = client.get(
            "/records/",
            {
                "provider": "KJSO",
                "service": "PAY-OFF",
                "status": "completed",
                "completed_month": "2026-02",
            },
        )
        assert {r.external_ref for r in response.context["servicerecord_list"]} == {"K-1", "K-2"}

    def test_list_filters_open_breaches(self, client, computed):
        client.force_login(user_with_role(Role.MANAGEMENT))
        response = client.get("/compliance/", {"status": "breached"})
        assert response.status_code == 200
        assert {r.status for r in response.context["complianceresult_list"]} == {"breached"}

    def test_provider_page_is_scoped(self, client, computed):
        unon = ServiceProvider.objects.get(code="UNON")
        client.force_login(user_with_role(Role.PROVIDER_STAFF, provider=unon))
        # Another provider's page of figures is not found (UserScope.sees_provider), as
        # its dashboard is.
        response = client.get("/compliance/providers/KJSO/")
        assert response.status_code == 404
