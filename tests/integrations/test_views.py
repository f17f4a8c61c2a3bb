"""The Integration tokens pages: the list, the form that shows a new token once, and
revoking; bad input shows the field's error and stores nothing."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.choices import Role
from clients.models import ClientEntity
from integrations.models import IntegrationToken
from providers.models import ServiceProvider
from tests.factories import user_with_role
from tests.integrations.factories import issue_token

pytestmark = pytest.mark.django_db


def unon():
    return ServiceProvider.objects.get(code="UNON")


def form(**changes):
    day = timezone.now().date() + dt.timedelta(days=30)
    organisation = f"provider:{unon().pk}"
    return {"name": "UNON ERP", "scope": "records_write", "organisation": organisation,
            "expires_at": day.isoformat(), **changes}  # fmt: skip


@pytest.fixture
def manager(client):
    user = user_with_role(Role.PROVIDER_MANAGER, provider=unon(), username="unon-manager")
    client.force_login(user)
    return user


class TestPages:
    def test_the_empty_list_says_what_to_do(self, client, manager):
        page = client.get("/integration-tokens/").content.decode()
        assert "No token yet" in page and "/integration-tokens/new/" in page

    def test_creating_shows_the_token_once(self, client, manager):
        response = client.post("/integration-tokens/new/", form())
        assert response.status_code == 200
        token = IntegrationToken.objects.get()
        page = response.content.decode()
        assert f'value="{token.prefix}_' in page and "not shown again" in page
        assert response["Cache-Control"] == "no-store"
        listing = client.get("/integration-tokens/").content.decode()
        assert token.prefix in listing and "UNON ERP" in listing and "never" in listing
        clear = page.split(f'value="{token.prefix}_')[1].split('"')[0]
        assert clear not in listing

    def test_the_form_offers_only_the_managers_organisations(self, client, manager):
        page = client.get("/integration-tokens/new/").content.decode()
        kjso = ServiceProvider.objects.get(code="KJSO")
        assert f"provider:{unon().pk}" in page and f"provider:{kjso.pk}" not in page

    def test_revoking_from_the_list(self, client, manager):
        token, _ = issue_token(user=manager, provider=unon())
        response = client.post(f"/integration-tokens/{token.pk}/revoke/")
        assert response.status_code == 302
        assert IntegrationToken.objects.get(pk=token.pk).revoked_at is not None
        assert "revoked" in client.get("/integration-tokens/").content.decode()

    def test_anothers_token_is_not_found(self, client, manager):
        other = user_with_role(Role.PROVIDER_MANAGER, provider=unon())
        token, _ = issue_token(user=other, provider=unon())
        assert client.post(f"/integration-tokens/{token.pk}/revoke/").status_code == 404
        assert IntegrationToken.objects.get(pk=token.pk).revoked_at is None

    def test_others_are_refused(self, client):
        client.force_login(user_with_role(Role.PROVIDER_STAFF, provider=unon()))
        assert client.get("/integration-tokens/").status_code == 403
        assert client.post("/integration-tokens/new/", form()).status_code == 403
        assert not IntegrationToken.objects.exists()

    def test_the_list_is_sortable_and_costs_the_same_queries_for_many(self, client, manager):
        issue_token(user=manager, provider=unon(), name="B")
        with CaptureQueriesContext(connection) as one:
            client.get("/integration-tokens/")
        for name in "ACDE":
            issue_token(user=manager, provider=unon(), name=name)
        with CaptureQueriesContext(connection) as five:
            page = client.get("/integration-tokens/", {"ordering": "name"}).content.decode()
        assert len(five) == len(one)
        assert page.index(">A<") < page.index(">B<") < page.index(">E<")


class TestBadInput:
    @pytest.mark.parametrize(
        ("field", "changes"),
        [
            ("expires_at", {"expires_at": "2020-01-01"}),
            ("expires_at", {"expires_at": str(timezone.now().date() + dt.timedelta(days=400))}),
            ("expires_at", {"expires_at": "not a date"}),
            ("organisation", {"organisation": "provider:999999"}),
            ("organisation", {"organisation": "nonsense"}),
            ("scope", {"scope": "everything"}),
            ("name", {"name": ""}),
        ],
    )  # fmt: skip
    def test_is_shown_beside_the_field_and_nothing_is_stored(self, client, manager, field, changes):
        response = client.post("/integration-tokens/new/", form(**changes))
        assert response.status_code == 400
        assert response.context["form"].errors.get(field), response.context["form"].errors
        assert not IntegrationToken.objects.exists()

    def test_a_client_entitys_token_that_writes_is_refused(self, client, manager):
        unep = ClientEntity.objects.get(code="UNEP")
        curator = user_with_role(Role.CATALOGUE_MANAGER)
        client.force_login(curator)
        response = client.post("/integration-tokens/new/", form(organisation=f"client:{unep.pk}"))
        assert response.status_code == 400
        assert response.context["form"].errors.get("scope")
        assert not IntegrationToken.objects.exists()
