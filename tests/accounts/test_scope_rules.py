"""Each access question has one answer, a method of the user's scope, and the pages and the
API that ask it answer every user the same way (README, Architecture: one function per
rule)."""

import pytest
from rest_framework.test import APIClient

from accounts.choices import Role
from accounts.selectors import user_scope
from clients.models import ClientEntity
from providers.models import ServiceProvider
from tests.factories import UserFactory, user_with_role
from tests.records.factories import import_csv

pytestmark = pytest.mark.django_db

PROVIDERS = ("UNON", "KJSO")
CLIENTS = ("UNEP", "UNAMA")


@pytest.fixture
def people():
    """One user per role and organisation; in the reference data UNON is designated for
    UNEP and KJSO for UNAMA."""
    unon, kjso = (ServiceProvider.objects.get(code=c) for c in PROVIDERS)
    unep, unama = (ClientEntity.objects.get(code=c) for c in CLIENTS)
    return {
        "client-unep": user_with_role(Role.CLIENT_FOCAL_POINT, client=unep),
        "client-unama": user_with_role(Role.CLIENT_FOCAL_POINT, client=unama),
        "staff-unon": user_with_role(Role.PROVIDER_STAFF, provider=unon),
        "staff-kjso": user_with_role(Role.PROVIDER_STAFF, provider=kjso),
        "manager-unon": user_with_role(Role.PROVIDER_MANAGER, provider=unon),
        "integration-unon": user_with_role(Role.INTEGRATION, provider=unon),
        "catalogue": user_with_role(Role.CATALOGUE_MANAGER),
        "management": user_with_role(Role.MANAGEMENT),
        "nobody": UserFactory(),
    }


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def provider(code: str) -> ServiceProvider:
    return ServiceProvider.objects.get(code=code)


class TestSeesProvider:
    def test_the_compliance_page_and_the_dashboard_answer_as_the_scope(self, client, people):
        answers = {}
        for name, user in people.items():
            if name.startswith("integration"):
                continue  # a token opens only the API
            client.force_login(user)
            for code in PROVIDERS:
                expected = user_scope(user).sees_provider(provider(code).pk)
                for path in (f"/compliance/providers/{code}/", f"/dashboards/providers/{code}/"):
                    status = client.get(path).status_code
                    assert status == (200 if expected else 404), (name, path, status)
                answers[name, code] = expected
        # The rule itself: global roles, the provider's people, the clients it serves.
        assert answers["client-unep", "UNON"] and not answers["client-unep", "KJSO"]
        assert answers["client-unama", "KJSO"] and not answers["client-unama", "UNON"]
        assert answers["staff-unon", "UNON"] and not answers["staff-unon", "KJSO"]
        assert all(answers["management", c] and answers["catalogue", c] for c in PROVIDERS)
        assert not any(answers["nobody", c] for c in PROVIDERS)

    def test_a_served_client_sees_only_its_own_records_on_the_provider_dashboard(
        self, client, people, settings
    ):
        settings.DASHBOARD_CACHE_SECONDS = 60  # a cached page must not leak across users
        import_csv(
            "OPEN-UNEP,UNON,UNEP,CONF-DOC,2026-01-05T09:00,,open,,\n"
            "OPEN-HAB,UNON,UN-HABITAT,CONF-DOC,2026-01-05T09:00,,open,,\n"
        )

        def overdue_clients(user) -> list[str]:
            client.force_login(user)
            page = client.get("/dashboards/providers/UNON/")
            assert page.status_code == 200
            (table,) = [t for t in page.context["view"].tables if t.key == "overdue-records"]
            return sorted({row[2].value for row in table.rows})

        assert overdue_clients(people["staff-unon"]) == ["UN-HABITAT", "UNEP"]
        assert overdue_clients(people["client-unep"]) == ["UNEP"]
        assert overdue_clients(people["management"]) == ["UN-HABITAT", "UNEP"]

    def test_the_network_map_shows_attainment_as_the_scope(self, client, people):
        # Every signed-in user opens the map (page and API); a provider's attainment on it
        # follows sees_provider, the rule of the compliance pages above.
        for name, user in people.items():
            scope = user_scope(user)
            body = api(user).get("/api/v1/network-map/").json()
            shown = {p["code"]: p["attainment_shown"] for p in body["providers"]}
            for code in PROVIDERS:
                assert shown[code] == scope.sees_provider(provider(code).pk), (name, code)
            assert scope.reads_network_map, name
            if not name.startswith("integration"):  # a token opens only the API
                client.force_login(user)
                assert client.get("/network/map/").status_code == 200, name
        assert APIClient().get("/api/v1/network-map/").status_code == 401


class TestSeesClient:
    def test_the_client_dashboard_answers_as_the_scope(self, client, people):
        for name, user in people.items():
            if name.startswith("integration"):
                continue
            client.force_login(user)
            for code in CLIENTS:
                entity = ClientEntity.objects.get(code=code)
                expected = user_scope(user).sees_client(entity.pk)
                status = client.get(f"/dashboards/clients/{code}/").status_code
                assert status == (200 if expected else 404), (name, code, status)


def record_for(code: str, ref: str) -> dict:
    client, service = ("UNEP", "CONF-DOC") if code == "UNON" else ("UNAMA", "PAY-OFF")
    return {
        "external_ref": ref,
        "provider": code,
        "client": client,
        "service": service,
        "received_at": "2026-02-02T08:00",
        "completed_at": "2026-02-03T09:00",
    }


class TestMayImport:
    def test_the_import_page_and_the_api_answer_as_the_scope(self, client, people):
        for name, user in people.items():
            scope = user_scope(user)
            if not name.startswith("integration"):
                client.force_login(user)
                page = client.get("/imports/new/").status_code
                assert page == (200 if scope.may_import else 403), (name, page)
            for code in PROVIDERS:
                response = api(user).post(
                    "/api/v1/service-records/", record_for(code, f"RULE-{name}-{code}"), "json"
                )
                accepted = response.status_code in (200, 201)
                assert accepted == scope.may_import_for(provider(code).pk), (
                    name,
                    code,
                    response.status_code,
                )
                if not accepted:
                    assert response.status_code in (400, 403), (name, code, response.content)
        assert user_scope(people["integration-unon"]).may_import_for(provider("UNON").pk)
        assert not user_scope(people["staff-unon"]).may_import_for(provider("KJSO").pk)
        assert user_scope(people["catalogue"]).importable_provider_ids is None
        assert not user_scope(people["client-unep"]).may_import


SLA_BODY = {
    "client": "UNEP",
    "start_date": "2031-01-01",
    "end_date": "2031-12-31",
    "lines": [{"service": "CONF-DOC", "expected_volume": 10}],
}


class TestMayRegister:
    def test_the_registration_page_and_the_api_answer_as_the_scope(self, client, people):
        for name, user in people.items():
            scope = user_scope(user)
            expected = scope.may_register_for(provider("UNON").pk)
            response = api(user).post("/api/v1/slas/", {**SLA_BODY, "provider": "UNON"}, "json")
            assert (response.status_code == 201) == expected, (name, response.status_code)
            if name.startswith("integration"):
                continue
            client.force_login(user)
            page = client.get("/slas/new/?provider=UNON")
            if scope.registering_provider_ids:
                assert page.status_code == 200, name
                assert page.context["provider"].pk in scope.registering_provider_ids, name
            else:
                assert page.status_code == 403, (name, page.status_code)
        assert user_scope(people["manager-unon"]).may_register_for(provider("UNON").pk)
        assert not user_scope(people["integration-unon"]).may_register_for(provider("UNON").pk)


class TestMayCompute:
    def test_the_api_answers_as_the_scope(self, people):
        for name, user in people.items():
            scope = user_scope(user)
            for code in PROVIDERS:
                response = api(user).post(
                    "/api/v1/compliance/compute/", {"provider": code, "period": "2026-02"}, "json"
                )
                assert (response.status_code == 202) == scope.may_compute_for(provider(code).pk), (
                    name,
                    code,
                    response.status_code,
                )
        assert user_scope(people["manager-unon"]).may_compute_for(provider("UNON").pk)
        assert not user_scope(people["staff-unon"]).may_compute_for(provider("UNON").pk)


class TestCostRecovery:
    def test_statement_pages_and_api_answer_as_sees_statements_of(self, client, people):
        seen = {}
        for name, user in people.items():
            client.force_login(user)
            for code, entity in (("UNON", "UNEP"), ("KJSO", "UNAMA")):
                expected = user_scope(user).sees_statements_of(
                    provider_id=provider(code).pk,
                    client_id=ClientEntity.objects.get(code=entity).pk,
                )
                status = 200 if expected else 404
                query = {"provider": code, "client": entity, "period": "2026-01"}
                assert api(user).get("/api/v1/statements/", query).status_code == status, name
                if not name.startswith("integration"):
                    page = f"/cost-recovery/statements/{code}/{entity}/2026-01/"
                    assert client.get(page).status_code == status, (name, page)
                seen[name, code] = expected
        # The rule: global roles, the provider's people, the client's focal points.
        assert seen["client-unep", "UNON"] and not seen["client-unep", "KJSO"]
        assert seen["staff-unon", "UNON"] and not seen["staff-unon", "KJSO"]
        assert seen["integration-unon", "UNON"] and not seen["integration-unon", "KJSO"]
        assert all(seen["management", c] and seen["catalogue", c] for c in PROVIDERS)
        assert not any(seen["nobody", c] for c in PROVIDERS)

    def test_rates_issuing_and_value_for_money_answer_as_the_scope(self, client, people):
        for name, user in people.items():
            if name.startswith("integration"):
                continue
            scope = user_scope(user)
            client.force_login(user)
            curates = client.get("/cost-recovery/rates/new/").status_code
            assert curates == (200 if scope.curates_rates else 403), name
            value = client.get("/cost-recovery/value-for-money/").status_code
            assert value == (200 if scope.reads_value_for_money else 403), name
        assert user_scope(people["manager-unon"]).may_issue_statements_for(provider("UNON").pk)
        assert not user_scope(people["staff-unon"]).may_issue_statements_for(provider("UNON").pk)
        assert not user_scope(people["catalogue"]).may_issue_statements_for(provider("UNON").pk)
        unep = ClientEntity.objects.get(code="UNEP")
        assert user_scope(people["client-unep"]).may_answer_statements_for(unep.pk)
        assert not user_scope(people["management"]).may_answer_statements_for(unep.pk)
