"""The catalogue API: reads for every signed-in user, writes for catalogue managers."""

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.choices import Role
from catalogue.models import MinimumServiceStandard, Offering, Service
from tests.factories import (
    OfferingFactory,
    ServiceFactory,
    StandardFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator_api():
    client = APIClient()
    client.force_authenticate(user_with_role(Role.CATALOGUE_MANAGER))
    return client


@pytest.fixture
def reader_api():
    client = APIClient()
    client.force_authenticate(user_with_role(Role.MANAGEMENT))
    return client


class TestServiceReads:
    def test_lists_the_real_catalogue_paginated(self, reader_api):
        response = reader_api.get("/api/v1/services/", {"page_size": 10})
        assert response.status_code == 200
        body = response.json()
        assert body["count"] >= 40
        assert len(body["results"]) == 10
        first = body["results"][0]
        assert {"id", "url", "display", "code", "area", "provider_count"} <= set(first)
        assert set(first["area"]) == {"id", "code", "display"}

    def test_keyword_search_matches_code_name_and_description(self, reader_api):
        service = ServiceFactory(name="Zebra crossing audits", description="Counts stripes")
        for word in ("zebra", "STRIPES", service.code):
            codes = [
                s["code"]
                for s in reader_api.get("/api/v1/services/", {"q": word}).json()["results"]
            ]
            assert codes == [service.code], word

    def test_filters_by_provider_and_country_served(self, reader_api):
        offering = OfferingFactory(scope="regional")
        offering.countries.create(country="UG")
        other = ServiceFactory()
        params = {"provider": offering.provider.code}
        codes = [s["code"] for s in reader_api.get("/api/v1/services/", params).json()["results"]]
        assert codes == [offering.service.code]
        codes = [
            s["code"]
            for s in reader_api.get(
                "/api/v1/services/", {"country": "ug", "page_size": 500}
            ).json()["results"]
        ]
        assert offering.service.code in codes
        assert other.code not in codes

    def test_orders_by_name_descending(self, reader_api):
        names = [
            s["name"]
            for s in reader_api.get(
                "/api/v1/services/", {"ordering": "-name", "page_size": 500}
            ).json()["results"]
        ]
        assert names == sorted(names, reverse=True)

    @pytest.mark.parametrize(
        "params",
        [
            {"area": "NO-SUCH-AREA"},
            {"provider": "<script>"},
            {"delivery_mode": "teleport"},
            {"country": "KEN"},
            {"ordering": "password"},
        ],
    )
    def test_bad_filters_answer_400_with_the_field(self, reader_api, params):
        response = reader_api.get("/api/v1/services/", params)
        assert response.status_code == 400
        body = response.json()
        assert body["message"]
        assert set(body["errors"]) == set(params)

    def test_anonymous_is_refused(self):
        assert APIClient().get("/api/v1/services/").status_code in (401, 403)


class TestServiceWrites:
    def payload(self, **overrides):
        data = {
            "code": "TST-NEW-1",
            "name": "A new service",
            "description": "Created through the API.",
            "area": Service.objects.first().area.code,
            "location_independent": True,
            "delivery_mode": "remote",
            "unit_of_service": "case",
            "lifecycle": "pipeline",
        }
        data.update(overrides)
        return data

    def test_catalogue_manager_creates_updates_and_deletes(self, curator_api):
        created = curator_api.post("/api/v1/services/", self.payload(), format="json")
        assert created.status_code == 201, created.json()
        url = f"/api/v1/services/{created.json()['id']}/"
        patched = curator_api.patch(url, {"lifecycle": "live"}, format="json")
        assert patched.status_code == 200
        assert Service.objects.get(code="TST-NEW-1").lifecycle == "live"
        assert curator_api.delete(url).status_code == 204
        assert not Service.objects.filter(code="TST-NEW-1").exists()

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"code": "lower case"}, "code"),
            ({"code": "X" * 200}, "code"),
            ({"area": "NOPE"}, "area"),
            ({"area": 12}, "area"),
            ({"delivery_mode": "by pigeon"}, "delivery_mode"),
            ({"name": ""}, "name"),
            ({"lifecycle": None}, "lifecycle"),
            ({"location_independent": "perhaps"}, "location_independent"),
        ],
    )
    def test_bad_input_is_rejected_and_nothing_stored(self, curator_api, overrides, field):
        before = Service.objects.count()
        response = curator_api.post("/api/v1/services/", self.payload(**overrides), format="json")
        assert response.status_code == 400
        assert field in response.json()["errors"]
        assert Service.objects.count() == before

    def test_duplicate_code_is_rejected(self, curator_api):
        existing = Service.objects.first()
        response = curator_api.post(
            "/api/v1/services/", self.payload(code=existing.code), format="json"
        )
        assert response.status_code == 400
        assert "code" in response.json()["errors"]

    def test_malformed_json_is_a_clear_400(self, curator_api):
        response = curator_api.generic(
            "POST", "/api/v1/services/", "{not json", content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["message"]

    @pytest.mark.parametrize(
        "role", [Role.MANAGEMENT, Role.PROVIDER_STAFF, Role.CLIENT_FOCAL_POINT]
    )
    def test_other_roles_cannot_write(self, role):
        from tests.factories import ClientEntityFactory, ServiceProviderFactory

        org = (
            {"provider": ServiceProviderFactory()}
            if role == Role.PROVIDER_STAFF
            else {"client": ClientEntityFactory()}
            if role == Role.CLIENT_FOCAL_POINT
            else {}
        )
        api = APIClient()
        api.force_authenticate(user_with_role(role, **org))
        response = api.post("/api/v1/services/", self.payload(), format="json")
        assert response.status_code == 403
        assert not Service.objects.filter(code="TST-NEW-1").exists()


class TestStandards:
    def test_timeliness_standard_needs_threshold_and_clock(self, curator_api):
        service = ServiceFactory()
        response = curator_api.post(
            "/api/v1/standards/",
            {
                "code": "TST-MSS-X",
                "service": service.code,
                "kind": "timeliness",
                "target_pct": "95",
            },
            format="json",
        )
        assert response.status_code == 400
        assert {"threshold", "clock"} <= set(response.json()["errors"])
        assert not MinimumServiceStandard.objects.filter(code="TST-MSS-X").exists()

    @pytest.mark.parametrize("pct", ["100.5", "-1", "abc", "96.7777"])
    def test_target_pct_out_of_range_is_rejected(self, curator_api, pct):
        service = ServiceFactory()
        response = curator_api.post(
            "/api/v1/standards/",
            {"code": "TST-MSS-Y", "service": service.code, "kind": "accuracy", "target_pct": pct},
            format="json",
        )
        assert response.status_code == 400
        assert "target_pct" in response.json()["errors"]

    def test_accuracy_standard_reads_back_with_its_statement(self, reader_api):
        standard = StandardFactory(kind="accuracy", threshold=None, clock="", target_pct="96.7")
        body = reader_api.get(f"/api/v1/standards/{standard.pk}/").json()
        assert body["statement"] == "96.7% delivered without correction"
        assert body["illustrative"] is True


class TestOfferings:
    def test_regional_offering_with_countries(self, curator_api):
        offering_service = ServiceFactory()
        from tests.factories import ServiceProviderFactory

        provider = ServiceProviderFactory()
        response = curator_api.post(
            "/api/v1/offerings/",
            {
                "provider": provider.code,
                "service": offering_service.code,
                "scope": "regional",
                "countries": ["ug", "KE"],
                "rate_unit": "per case",
                "lead_time_days": 3,
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["countries"] == ["KE", "UG"]
        # No rate until the rate card has one.
        assert response.json()["cost_recovery_rate"] is None
        assert response.json()["currency"] is None
        assert Offering.objects.filter(pk=response.json()["id"]).exists()

    def test_the_rate_shown_is_the_rate_cards_in_force_today(self, curator_api):
        offering = OfferingFactory(rate_card__rate=Decimal("16.8"), rate_card__currency="EUR")
        body = curator_api.get(f"/api/v1/offerings/{offering.pk}/").json()
        assert (body["cost_recovery_rate"], body["currency"]) == ("16.80", "EUR")
        offering.rates.update(valid_to=dt.date(2021, 1, 1))
        body = curator_api.get(f"/api/v1/offerings/{offering.pk}/").json()
        assert (body["cost_recovery_rate"], body["currency"]) == (None, None)

    @pytest.mark.parametrize("field", ["cost_recovery_rate", "currency"])
    def test_writing_a_rate_on_the_offering_is_refused_naming_the_rate_card(
        self, curator_api, field
    ):
        offering = OfferingFactory()
        response = curator_api.patch(
            f"/api/v1/offerings/{offering.pk}/", {field: "1.00"}, format="json"
        )
        assert response.status_code == 400
        assert "/api/v1/rates/" in response.json()["errors"][field][0]
        assert offering.rates.get().rate == Decimal("12.50")

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"countries": ["Kenya"]}, "countries"),
            ({"countries": ["KE", "KE"]}, "countries"),
            ({"scope": "global", "countries": ["KE"]}, "countries"),
            ({"cost_recovery_rate": "-5"}, "cost_recovery_rate"),
            ({"lead_time_days": -1}, "lead_time_days"),
        ],
    )
    def test_bad_offering_is_rejected(self, curator_api, overrides, field):
        from tests.factories import ServiceProviderFactory

        data = {
            "provider": ServiceProviderFactory().code,
            "service": ServiceFactory().code,
            "scope": "regional",
            "countries": ["KE"],
            "rate_unit": "per case",
            "lead_time_days": 3,
        }
        data.update(overrides)
        before = Offering.objects.count()
        response = curator_api.post("/api/v1/offerings/", data, format="json")
        assert response.status_code == 400
        assert field in response.json()["errors"]
        assert Offering.objects.count() == before


class TestDesignations:
    def test_service_and_area_together_are_rejected(self, curator_api):
        service = Service.objects.first()
        response = curator_api.post(
            "/api/v1/designations/",
            {
                "client": "UNEP",
                "provider": "UNON",
                "service": service.code,
                "area": service.area.code,
                "valid_from": "2030-01-01",
            },
            format="json",
        )
        assert response.status_code == 400
        assert "service" in response.json()["errors"]

    def test_filters_designations_in_force(self, reader_api):
        body = reader_api.get(
            "/api/v1/designations/", {"client": "UNEP", "on": "2026-06-01"}
        ).json()
        assert body["count"] >= 1
        assert {d["provider"]["code"] for d in body["results"]} == {"UNON"}
