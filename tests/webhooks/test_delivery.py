"""Deliveries to a real HTTP receiver on 127.0.0.1: signed as Standard Webhooks says,
retried with back-off, timed out, redelivered by hand, each attempt logged."""

import json
from unittest import mock

import pytest

from tests.factories import user_with_role
from webhooks import services, tasks
from webhooks.choices import DeliveryStatus, EventType
from webhooks.models import Delivery, DeliveryAttempt
from webhooks.services import Event, emit_events
from webhooks.signing import SignatureError, verify

from .factories import SubscriptionFactory

pytestmark = pytest.mark.django_db


def _emit(subscription, event_type=EventType.SLA_STATE_CHANGED, **data) -> Delivery:
    (delivery_id,) = emit_events(
        [Event(event_type, {"sla": 7, **data}, provider_id=subscription.provider_id)]
    )
    return Delivery.objects.get(pk=delivery_id)


def _deliver(delivery) -> Delivery:
    tasks.deliver_webhook(delivery.pk, 1)
    delivery.refresh_from_db()
    return delivery


class TestSigning:
    def test_the_receiver_verifies_the_signature_of_what_it_got(self, receiver):
        subscription = SubscriptionFactory(url=receiver.url)
        delivery = _deliver(_emit(subscription))
        assert delivery.status == DeliveryStatus.SUCCEEDED
        (got,) = receiver.received
        headers = {k.lower(): v for k, v in got["headers"].items()}
        assert headers["webhook-id"] == delivery.event_id
        assert headers["webhook-signature"].startswith("v1,")
        assert headers["content-type"] == "application/json"
        verify(subscription.secret, got["headers"], got["body"])  # raises if wrong
        payload = json.loads(got["body"])
        assert payload["type"] == "sla.state_changed"
        assert payload["data"] == {"sla": 7}
        assert payload["timestamp"].endswith("Z")
        assert got["path"] == "/hooks/portal"

    def test_a_tampered_body_or_another_secret_does_not_verify(self, receiver):
        subscription = SubscriptionFactory(url=receiver.url)
        _deliver(_emit(subscription))
        got = receiver.received[0]
        with pytest.raises(SignatureError):
            verify(subscription.secret, got["headers"], got["body"] + b" ")
        with pytest.raises(SignatureError):
            verify(SubscriptionFactory.build().secret, got["headers"], got["body"])

    def test_an_old_timestamp_does_not_verify(self, receiver):
        subscription = SubscriptionFactory(url=receiver.url)
        _deliver(_emit(subscription))
        got = receiver.received[0]
        sent_at = int(got["headers"]["webhook-timestamp"])
        with pytest.raises(SignatureError, match="timestamp"):
            verify(subscription.secret, got["headers"], got["body"], now=sent_at + 301)


class TestAttempts:
    def test_each_attempt_is_logged_with_status_time_and_the_start_of_the_answer(self, receiver):
        receiver.answers = [(200, "x" * 5000, 0)]
        delivery = _deliver(_emit(SubscriptionFactory(url=receiver.url)))
        (attempt,) = DeliveryAttempt.objects.filter(delivery=delivery)
        assert attempt.status_code == 200 and attempt.succeeded
        assert attempt.duration_ms >= 0
        assert attempt.response_body == "x" * 1000  # truncated
        assert delivery.attempts == 1 and delivery.last_status_code == 200

    def test_a_500_is_retried_with_exponential_back_off_and_the_same_event_id(
        self, receiver, settings
    ):
        settings.WEBHOOK_RETRY_BASE_SECONDS = 10
        receiver.answers = [(500, "down", 0), (500, "down", 0), (503, "busy", 0), (204, "", 0)]
        delivery = _emit(SubscriptionFactory(url=receiver.url))
        with mock.patch.object(
            tasks.deliver_webhook, "apply_async", wraps=tasks.deliver_webhook.apply_async
        ) as sent:
            delivery = _deliver(delivery)
        assert delivery.status == DeliveryStatus.SUCCEEDED
        assert delivery.attempts == 4
        countdowns = [c.kwargs["countdown"] for c in sent.call_args_list]
        assert len(countdowns) == 3
        for n, countdown in enumerate(countdowns):
            base = 10 * 4**n
            assert base <= countdown <= base * 1.1 + 1  # 10 s, 40 s, 160 s, plus jitter
        ids = {r["headers"]["webhook-id"] for r in receiver.received}
        assert ids == {delivery.event_id}
        log = list(DeliveryAttempt.objects.filter(delivery=delivery).order_by("number"))
        assert [a.status_code for a in log] == [500, 500, 503, 204]
        assert [a.number for a in log] == [1, 2, 3, 4]

    def test_it_gives_up_after_the_last_attempt(self, receiver, settings):
        settings.WEBHOOK_MAX_ATTEMPTS = 3
        receiver.answers = [(500, "down", 0)]
        delivery = _deliver(_emit(SubscriptionFactory(url=receiver.url)))
        assert delivery.status == DeliveryStatus.FAILED
        assert delivery.attempts == 3 and len(receiver.received) == 3
        assert delivery.next_attempt_at is None and delivery.finished_at

    def test_retry_after_is_honoured(self, settings):
        settings.WEBHOOK_RETRY_BASE_SECONDS = 10
        assert services.retry_delay(1, retry_after=120) == 120
        assert services.retry_delay(1, retry_after=10**9) == settings.WEBHOOK_RETRY_MAX_SECONDS

    def test_a_redirect_is_a_failure_and_is_not_followed(self, receiver, settings):
        settings.WEBHOOK_MAX_ATTEMPTS = 1
        receiver.answers = [(302, "moved", 0)]
        delivery = _deliver(_emit(SubscriptionFactory(url=receiver.url)))
        assert delivery.status == DeliveryStatus.FAILED
        assert delivery.last_status_code == 302
        assert len(receiver.received) == 1

    def test_a_slow_receiver_times_out_and_is_retried(self, receiver, settings):
        settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
        receiver.answers = [(200, "late", 1.0), (200, "ok", 0)]
        delivery = _deliver(_emit(SubscriptionFactory(url=receiver.url)))
        first, second = DeliveryAttempt.objects.filter(delivery=delivery).order_by("number")
        assert first.status_code is None and "timed out" in first.error
        assert not first.succeeded
        assert second.succeeded and delivery.status == DeliveryStatus.SUCCEEDED

    def test_gone_stops_and_pauses_the_subscription(self, receiver):
        receiver.answers = [(410, "gone", 0)]
        subscription = SubscriptionFactory(url=receiver.url)
        delivery = _deliver(_emit(subscription))
        subscription.refresh_from_db()
        assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1
        assert not subscription.is_active

    def test_an_attempt_runs_once_when_its_task_is_delivered_twice(self, receiver):
        delivery = _emit(SubscriptionFactory(url=receiver.url))
        assert tasks.deliver_webhook(delivery.pk, 1) == DeliveryStatus.SUCCEEDED
        assert tasks.deliver_webhook(delivery.pk, 1) == "skipped"
        assert len(receiver.received) == 1

    def test_the_sweep_sends_again_an_attempt_whose_task_was_lost(self, receiver):
        import datetime as dt

        from django.utils import timezone

        delivery = _emit(SubscriptionFactory(url=receiver.url))
        Delivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=timezone.now() - dt.timedelta(minutes=5)
        )
        assert tasks.deliver_due_webhooks() == 1
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.SUCCEEDED
        assert tasks.deliver_due_webhooks() == 0

    def test_a_keyed_event_emitted_twice_is_delivered_once(self, receiver):
        subscription = SubscriptionFactory(url=receiver.url)
        event = Event(EventType.IMPORT_FINISHED, {}, provider_id=subscription.provider_id, key="k")
        assert len(emit_events([event])) == 1
        assert emit_events([event]) == []

    def test_only_the_chosen_events_of_active_subscriptions_are_delivered(self):
        chosen = SubscriptionFactory(events=[EventType.STATEMENT_ISSUED])
        SubscriptionFactory(is_active=False)
        other = SubscriptionFactory(provider=None, client=_client("UNAMA"))
        ids = emit_events(
            [
                Event(EventType.STATEMENT_ISSUED, {}, provider_id=chosen.provider_id),
                Event(EventType.SLA_STATE_CHANGED, {}, provider_id=chosen.provider_id),
            ]
        )
        assert [Delivery.objects.get(pk=i).subscription for i in ids] == [chosen]
        assert not Delivery.objects.filter(subscription=other).exists()


def _client(code):
    from clients.models import ClientEntity

    return ClientEntity.objects.get(code=code)


class TestRedelivery:
    def test_a_failed_delivery_is_sent_again_by_hand_with_the_same_id(self, receiver, settings):
        settings.WEBHOOK_MAX_ATTEMPTS = 1
        receiver.answers = [(500, "down", 0), (200, "ok", 0)]
        subscription = SubscriptionFactory(url=receiver.url)
        failed = _deliver(_emit(subscription))
        assert failed.status == DeliveryStatus.FAILED
        manager = user_with_role("provider_manager", provider=subscription.provider)
        again = services.delivery_redeliver(user=manager, delivery=failed)
        again = _deliver(again)
        assert again.status == DeliveryStatus.SUCCEEDED
        assert again.sequence == 1 and again.requested_by == manager
        first, second = receiver.received
        assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]
        assert first["body"] == second["body"]
        verify(subscription.secret, second["headers"], second["body"])


def test_the_documented_verification_accepts_a_real_delivery(receiver):
    """The receiver's example in docs/webhooks.md verifies what the portal sends."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "webhooks.md").read_text()
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 (our own documentation's example)
    subscription = SubscriptionFactory(url=receiver.url)
    _deliver(_emit(subscription))
    got = receiver.received[0]
    assert namespace["verify"](subscription.secret, got["headers"], got["body"])
    assert not namespace["verify"](subscription.secret, got["headers"], got["body"] + b"x")
