"""Catalogue, provider and client pages."""

import pytest

from accounts.choices import Role
from clients.models import ClientEntity
from tests.factories import OfferingFactory, ServiceFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client):
    client.force_login(user_with_role(Role.MANAGEMENT))
    return client


class TestCatalogueList:
    def test_requires_sign_in(self, client):
        response = client.get("/catalogue/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_searches_and_paginates(self, reader):
        service = ServiceFactory(name="Quokka counting", description="Marsupial census")
        response = reader.get("/catalogue/", {"q": "marsupial"})
        assert list(response.context["service_list"]) == [service]
        assert b"Quokka counting" in response.content
        page = reader.get("/catalogue/")
        assert page.context["is_paginated"]
        assert len(page.context["service_list"]) == 25

    def test_empty_state_offers_to_clear_filters(self, reader):
        response = reader.get("/catalogue/", {"q": "nothing-matches-this-xyz"})
        assert b"No service matches these filters" in response.content
        assert b"Clear the filters" in response.content

    def test_bad_filter_shows_the_error_not_a_server_error(self, reader):
        response = reader.get("/catalogue/", {"area": "NOPE", "delivery_mode": "x"})
        assert response.status_code == 200
        assert response.context["filterset"].errors
        assert b'role="alert"' in response.content

    def test_filters_by_area_and_sorts(self, reader):
        area = ServiceFactory().area
        ServiceFactory(area=area, name="Aardvark")
        response = reader.get("/catalogue/", {"area": area.code, "ordering": "name"})
        names = [s.name for s in response.context["service_list"]]
        assert names[0] == "Aardvark"
        assert len(names) == 2

    def test_hostile_keyword_is_escaped(self, reader):
        response = reader.get("/catalogue/", {"q": "<script>alert(1)</script>"})
        assert response.status_code == 200
        assert b"<script>alert(1)</script>" not in response.content


class TestServiceDetail:
    def test_shows_standards_and_offerings(self, reader):
        offering = OfferingFactory(rate_card__rate="42.00")
        response = reader.get(f"/catalogue/services/{offering.service.code}/")
        assert response.status_code == 200
        assert b"42.00" in response.content
        assert offering.provider.name.encode() in response.content

    def test_unknown_service_is_404(self, reader):
        assert reader.get("/catalogue/services/NOPE/").status_code == 404

    def test_client_user_sees_their_designated_provider(self, client):
        unep = ClientEntity.objects.get(code="UNEP")
        client.force_login(user_with_role(Role.CLIENT_FOCAL_POINT, client=unep))
        designation = unep.designations.select_related("area", "service").first()
        service = designation.service or designation.area.services.first()
        response = client.get(f"/catalogue/services/{service.code}/")
        assert [d.provider.code for d in response.context["my_designations"]] == ["UNON"]
        assert b"Your designated provider" in response.content


class TestProviderAndClientPages:
    def test_provider_profile_shows_calendar_services_and_clients(self, reader):
        response = reader.get("/providers/KJSO/")
        assert response.status_code == 200
        body = response.content.decode()
        assert "Asia/Kuwait" in body
        assert "UNAMA" in body and "UNAMI" in body
        assert "not worked" in body

    def test_client_profile_lists_designated_providers(self, reader):
        response = reader.get("/clients/UNEP/")
        assert response.status_code == 200
        assert "United Nations Office at Nairobi" in response.content.decode()

    @pytest.mark.parametrize("url", ["/providers/NOPE/", "/clients/NOPE/"])
    def test_unknown_codes_are_404(self, reader, url):
        assert reader.get(url).status_code == 404

    def test_lists_filter(self, reader):
        response = reader.get("/clients/", {"type": "peacekeeping_operation"})
        assert response.context["cliententity_list"]
        assert {e.type for e in response.context["cliententity_list"]} == {"peacekeeping_operation"}
        response = reader.get("/providers/", {"kind": "joint_support_office"})
        assert [p.code for p in response.context["serviceprovider_list"]] == ["KJSO"]
