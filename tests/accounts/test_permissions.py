"""Each role against each page and endpoint of the foundation."""

import pytest
from rest_framework.test import APIClient

from accounts.choices import Role
from accounts.selectors import user_scope
from clients.models import ClientEntity
from providers.models import ServiceProvider
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

ROLES = [
    Role.CLIENT_FOCAL_POINT,
    Role.PROVIDER_STAFF,
    Role.PROVIDER_MANAGER,
    Role.INTEGRATION,
    Role.CATALOGUE_MANAGER,
    Role.MANAGEMENT,
]
PAGES = [
    "/",
    "/catalogue/",
    "/catalogue/services/{service}/",
    "/providers/",
    "/providers/UNON/",
    "/clients/",
    "/clients/UNEP/",
    "/api/docs/",
    "/records/",
    "/imports/",
]
API = [
    "duty-stations",
    "holidays",
    "providers",
    "client-entities",
    "areas",
    "services",
    "offerings",
    "standards",
]  # records and imports: tests/sla/test_records_api.py; designations (a workflow, not
# edited in place): tests/catalogue/test_designation_api.py


def make_user(role):
    if role == Role.CLIENT_FOCAL_POINT:
        return user_with_role(role, client=ClientEntity.objects.get(code="UNEP"))
    if role in (Role.PROVIDER_STAFF, Role.PROVIDER_MANAGER, Role.INTEGRATION):
        return user_with_role(role, provider=ServiceProvider.objects.get(code="UNON"))
    return user_with_role(role)


def service_code():
    from catalogue.models import Service

    return Service.objects.order_by("code").first().code


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_every_page(client, role):
    client.force_login(make_user(role))
    for url in PAGES:
        response = client.get(url.format(service=service_code()))
        assert response.status_code == 200, (role, url)


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_sent_to_sign_in_except_to_the_api_docs(client, url):
    response = client.get(url.format(service=service_code()))
    if url == "/api/docs/":  # public: integrators read the API's docs before signing in
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_only_catalogue_managers_reach_the_admin(client, role):
    client.force_login(make_user(role))
    response = client.get("/admin/catalogue/service/")
    expected = 200 if role == Role.CATALOGUE_MANAGER else 302
    assert response.status_code == expected, role


@pytest.mark.parametrize("role", ROLES)
def test_api_reads_for_all_writes_for_curators(role):
    api = APIClient()
    user = make_user(role)
    api.force_login(user)
    for name in API:
        listing = api.get(f"/api/v1/{name}/")
        assert listing.status_code == 200, (role, name)
        first = listing.json()["results"][0]
        delete = api.delete(f"/api/v1/{name}/{first['id']}/")
        if role == Role.CATALOGUE_MANAGER:
            # Rows still referenced elsewhere are protected: a clear 409, never a 500.
            assert delete.status_code in (204, 409), (name, delete.content)
        else:
            assert delete.status_code == 403, (role, name)
            assert api.get(f"/api/v1/{name}/{first['id']}/").status_code == 200


def test_bad_token_is_refused():
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Bearer not-a-real-token")
    response = api.get("/api/v1/services/")
    assert response.status_code in (401, 403)
    assert response.json()["message"]


class TestScope:
    def test_scope_lists_organisations_by_role(self):
        unon = ServiceProvider.objects.get(code="UNON")
        user = user_with_role(Role.PROVIDER_MANAGER, provider=unon)
        scope = user_scope(user)
        assert scope.provider_ids == {unon.pk}
        assert scope.managed_provider_ids == {unon.pk}
        assert not scope.sees_everything

    def test_management_sees_everything(self):
        assert user_scope(user_with_role(Role.MANAGEMENT)).sees_everything

    def test_membership_must_match_role(self):
        from django.core.exceptions import ValidationError

        from accounts.models import Membership
        from tests.factories import UserFactory

        membership = Membership(user=UserFactory(), role=Role.PROVIDER_STAFF)
        with pytest.raises(ValidationError):
            membership.full_clean()
