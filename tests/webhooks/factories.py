"""Test data of webhooks: subscriptions made straight in the database (no URL check, no
DNS), and deliveries of an event."""

import json

import factory

from providers.models import ServiceProvider
from webhooks.choices import EventType
from webhooks.models import Delivery, Subscription
from webhooks.signing import new_event_id, new_secret


class SubscriptionFactory(factory.django.DjangoModelFactory):
    """A subscription of UNON's to every event, to a URL on this machine."""

    class Meta:
        model = Subscription

    provider = factory.LazyFunction(lambda: ServiceProvider.objects.get(code="UNON"))
    client = None
    url = "http://127.0.0.1:9/hooks"
    events = factory.LazyFunction(lambda: list(EventType.values))
    secret = factory.LazyFunction(new_secret)


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    subscription = factory.SubFactory(SubscriptionFactory)
    event_id = factory.LazyFunction(new_event_id)
    event_type = EventType.SLA_STATE_CHANGED
    body = json.dumps(
        {"type": "sla.state_changed", "timestamp": "2026-02-01T00:00:00Z", "data": {}}
    )
