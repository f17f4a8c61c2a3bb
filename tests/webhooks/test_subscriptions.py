"""Subscriptions and deliveries through the API and the pages: who may keep them, the
secret shown once, bad input refused naming the field with nothing stored, redelivery,
the audit trail, and a fixed number of queries for the lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.choices import Role
from clients.models import ClientEntity
from core.models import AuditEntry
from providers.models import ServiceProvider
from tests.factories import user_with_role
from webhooks.choices import DeliveryStatus, EventType
from webhooks.models import Delivery, Subscription

from .factories import DeliveryFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

ENDPOINT = "https://127.0.0.1:8443/hooks"  # loopback is allowed by the test settings
BODY = {"provider": "UNON", "endpoint": ENDPOINT, "events": ["sla.state_changed"]}


def unon():
    return ServiceProvider.objects.get(code="UNON")


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def manager():
    return user_with_role(Role.PROVIDER_MANAGER, provider=unon())


class TestApi:
    def test_a_manager_subscribes_and_sees_the_secret_once(self, manager):
        response = api(manager).post("/api/v1/webhook-subscriptions/", BODY, format="json")
        assert response.status_code == 201, response.json()
        made = response.json()
        assert made["secret"].startswith("whsec_")
        assert made["provider"]["code"] == "UNON" and made["client"] is None
        assert made["endpoint"] == ENDPOINT and made["events"] == ["sla.state_changed"]
        again = api(manager).get(f"/api/v1/webhook-subscriptions/{made['id']}/").json()
        assert "secret" not in again
        assert made["secret"] not in str(api(manager).get("/api/v1/webhook-subscriptions/").json())

    def test_a_focal_point_subscribes_for_the_client_entity(self):
        unep = ClientEntity.objects.get(code="UNEP")
        focal = user_with_role(Role.CLIENT_FOCAL_POINT, client=unep)
        body = {"client": "UNEP", "endpoint": ENDPOINT, "events": ["statement.issued"]}
        response = api(focal).post("/api/v1/webhook-subscriptions/", body, format="json")
        assert response.status_code == 201
        refused = api(focal).post("/api/v1/webhook-subscriptions/", BODY, format="json")
        assert refused.status_code == 403
        assert not Subscription.objects.filter(provider__isnull=False).exists()

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"events": ["sla.created"]}, "events"),
            ({"events": ["compliance.breached", "nope"]}, "events"),
            ({"events": []}, "events"),
            ({"events": "sla.state_changed"}, "events"),
            ({"zz_unknown": "x"}, "zz_unknown"),
            ({"secret": "whsec_mine"}, "secret"),
            ({"id": 5}, "id"),
            ({"endpoint": "http://127.0.0.1/hooks"}, "url"),
            ({"endpoint": "https://10.0.0.1/hooks"}, "url"),
            ({"endpoint": "https://169.254.169.254/"}, "url"),
            ({"endpoint": "ftp://127.0.0.1/x"}, "url"),
            ({"endpoint": "https://u:p@127.0.0.1/x"}, "url"),
            ({"endpoint": "x" * 2001}, "endpoint"),
            ({"endpoint": 5}, "url"),
            ({"client": "UNEP"}, "client"),
            ({"provider": "NOPE"}, "provider"),
            ({"description": "d" * 201}, "description"),
        ],
    )
    def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(
        self, manager, change, field, settings
    ):
        settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]  # 10.0.0.1 and the rest stay out
        response = api(manager).post(
            "/api/v1/webhook-subscriptions/", {**BODY, **change}, format="json"
        )
        assert response.status_code == 400, response.json()
        assert field in response.json()["errors"], response.json()
        assert not Subscription.objects.exists()

    def test_neither_organisation_is_refused(self, manager):
        body = {k: v for k, v in BODY.items() if k != "provider"}
        response = api(manager).post("/api/v1/webhook-subscriptions/", body, format="json")
        assert response.status_code == 400
        assert {"provider", "client"} <= set(response.json()["errors"])

    def test_a_change_keeps_the_secret_and_refuses_bad_events(self, manager):
        subscription = SubscriptionFactory()
        path = f"/api/v1/webhook-subscriptions/{subscription.pk}/"
        response = api(manager).patch(path, {"events": ["designation.changed"]}, format="json")
        assert response.status_code == 200 and response.json()["events"] == ["designation.changed"]
        bad = api(manager).patch(path, {"events": ["x.y"]}, format="json")
        assert bad.status_code == 400 and "events" in bad.json()["errors"]
        after = Subscription.objects.get(pk=subscription.pk)
        assert after.events == ["designation.changed"] and after.secret == subscription.secret

    def test_another_organisations_subscription_is_not_found(self, manager):
        kjso = SubscriptionFactory(provider=ServiceProvider.objects.get(code="KJSO"))
        path = f"/api/v1/webhook-subscriptions/{kjso.pk}/"
        assert api(manager).get(path).status_code == 404
        assert api(manager).delete(path).status_code == 404
        delivery = DeliveryFactory(subscription=kjso, status=DeliveryStatus.FAILED)
        assert api(manager).get(f"/api/v1/webhook-deliveries/{delivery.pk}/").status_code == 404

    def test_staff_and_management_keep_no_webhooks(self):
        for role, org in ((Role.PROVIDER_STAFF, {"provider": unon()}), (Role.MANAGEMENT, {})):
            user = user_with_role(role, **org)
            assert api(user).get("/api/v1/webhook-subscriptions/").status_code == 403
            assert (
                api(user).post("/api/v1/webhook-subscriptions/", BODY, format="json").status_code
                == 403
            )

    def test_redeliver_through_the_api(self, manager):
        failed = DeliveryFactory(status=DeliveryStatus.FAILED, attempts=8)
        path = f"/api/v1/webhook-deliveries/{failed.pk}/redeliver/"
        assert api(manager).post(path, {"zz": 1}, format="json").status_code == 400
        response = api(manager).post(path, format="json")
        assert response.status_code == 202
        again = Delivery.objects.get(pk=response.json()["id"])
        assert again.event_id == failed.event_id and again.sequence == 1
        assert again.body == failed.body and again.requested_by == manager
        entry = AuditEntry.objects.get(action="webhooks.redelivered")
        assert entry.object_id == str(again.pk)

    def test_a_pending_delivery_or_a_paused_subscription_is_not_redelivered(self, manager):
        pending = DeliveryFactory()
        path = f"/api/v1/webhook-deliveries/{pending.pk}/redeliver/"
        assert api(manager).post(path, format="json").status_code == 400
        paused = DeliveryFactory(
            status=DeliveryStatus.FAILED, subscription=SubscriptionFactory(is_active=False)
        )
        path = f"/api/v1/webhook-deliveries/{paused.pk}/redeliver/"
        assert api(manager).post(path, format="json").status_code == 400
        assert Delivery.objects.count() == 2

    def test_a_delivery_shows_its_attempts(self, manager):
        delivery = DeliveryFactory(status=DeliveryStatus.FAILED)
        delivery.attempt_log.create(
            number=1, started_at=delivery.created_at, status_code=500, response_body="down"
        )
        data = api(manager).get(f"/api/v1/webhook-deliveries/{delivery.pk}/").json()
        assert data["attempt_log"][0]["status_code"] == 500
        assert data["payload"]["type"] == "sla.state_changed"


class TestAudit:
    def test_a_subscription_is_audited_without_its_secret(self, manager):
        response = api(manager).post("/api/v1/webhook-subscriptions/", BODY, format="json")
        secret = response.json()["secret"]
        entry = AuditEntry.objects.filter(model="webhooks.subscription").get()
        assert secret not in str(entry.changes)
        assert "url" in entry.changes


class TestPages:
    def test_add_shows_the_secret_once_then_the_list(self, client, manager):
        client.force_login(manager)
        assert client.get("/webhooks/new/").status_code == 200
        response = client.post(
            "/webhooks/new/",
            {
                "organisation": f"provider:{unon().pk}",
                "url": ENDPOINT,
                "events": [EventType.IMPORT_FINISHED],
                "is_active": "on",
            },
        )
        assert response.status_code == 200
        subscription = Subscription.objects.get()
        assert subscription.secret in response.content.decode()
        listed = client.get("/webhooks/").content.decode()
        assert ENDPOINT in listed and subscription.secret not in listed

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"events": ["sla.created"]}, "not one of the available choices"),
            ({"url": "https://10.0.0.1/x"}, "private address"),
            ({"url": "http://127.0.0.1/x"}, "https"),
            ({"organisation": "provider:999999"}, "not one of the available choices"),
        ],
    )
    def test_the_form_refuses_bad_input(self, client, manager, change, message, settings):
        settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
        settings.WEBHOOK_ONLY_NETWORKS = []  # judged as in production; nothing is sent
        client.force_login(manager)
        data = {
            "organisation": f"provider:{unon().pk}",
            "url": ENDPOINT,
            "events": [EventType.IMPORT_FINISHED],
            **change,
        }
        response = client.post("/webhooks/new/", data)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not Subscription.objects.exists()

    def test_edit_pause_and_remove(self, client, manager):
        subscription = SubscriptionFactory(url=ENDPOINT)
        client.force_login(manager)
        assert client.get(f"/webhooks/{subscription.pk}/edit/").status_code == 200
        response = client.post(
            f"/webhooks/{subscription.pk}/edit/",
            {"url": ENDPOINT, "events": [EventType.STATEMENT_ISSUED]},
        )
        assert response.status_code == 302
        subscription.refresh_from_db()
        assert not subscription.is_active and subscription.events == ["statement.issued"]
        client.post(f"/webhooks/{subscription.pk}/delete/")
        assert not Subscription.objects.exists()

    def test_redeliver_button(self, client, manager):
        failed = DeliveryFactory(status=DeliveryStatus.FAILED)
        client.force_login(manager)
        page = client.get("/webhooks/deliveries/").content.decode()
        assert f"/webhooks/deliveries/{failed.pk}/redeliver/" in page
        assert client.get(f"/webhooks/deliveries/{failed.pk}/").status_code == 200
        response = client.post(f"/webhooks/deliveries/{failed.pk}/redeliver/")
        assert response.status_code == 302
        assert Delivery.objects.filter(event_id=failed.event_id, sequence=1).exists()


def _count(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/webhook-subscriptions/",
        "/api/v1/webhook-deliveries/",
        "/webhooks/",
        "/webhooks/deliveries/",
    ],
)
def test_lists_run_a_fixed_number_of_queries(client, path):
    catalogue = user_with_role(Role.CATALOGUE_MANAGER)
    client.force_login(catalogue)
    caller = api(catalogue) if path.startswith("/api/") else client
    subscription = SubscriptionFactory()
    DeliveryFactory(subscription=subscription)
    caller.get(path)  # the user's scope, read once and kept
    few = _count(lambda: caller.get(path))
    kjso = ServiceProvider.objects.get(code="KJSO")
    for provider in (kjso, unon()):
        other = SubscriptionFactory(provider=provider)
        for _ in range(3):
            DeliveryFactory(subscription=other, status=DeliveryStatus.FAILED)
    assert _count(lambda: caller.get(path)) == few
    assert few <= 10
