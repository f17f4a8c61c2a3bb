from rest_framework import serializers

from clients.models import ClientEntity
from core.api.serializers import CodeRelatedField, InputSerializer
from providers.models import ServiceProvider

from ..choices import URL_MAX_LENGTH, EventType
from ..models import Delivery, DeliveryAttempt, Subscription

EVENTS = serializers.ListField(
    child=serializers.ChoiceField(
        choices=EventType.choices,
        error_messages={"invalid_choice": "'{input}' is not an event the portal sends."},
    ),
    allow_empty=False,
    max_length=len(EventType.choices),
    help_text="The event types sent: " + ", ".join(EventType.values) + ".",
)


class SubscriptionSerializer(serializers.ModelSerializer):
    """A webhook subscription of a provider or a client entity (by code): ``endpoint`` is
    the https URL the events chosen in ``events`` are POSTed to, signed with the
    subscription's secret (shown once, when the subscription is made)."""

    url = serializers.HyperlinkedIdentityField(view_name="webhooks-api:subscription-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    provider = CodeRelatedField(read_only=True)
    client = CodeRelatedField(read_only=True)
    endpoint = serializers.CharField(source="url", read_only=True)

    class Meta:
        model = Subscription
        fields = [
            "id",
            "url",
            "display",
            "provider",
            "client",
            "endpoint",
            "description",
            "events",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SubscriptionCreatedSerializer(SubscriptionSerializer):
    """The subscription just made, with its ``secret`` (``whsec_``…): shown this once."""

    secret = serializers.CharField(read_only=True)

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class SubscriptionChangeSerializer(InputSerializer):
    """A change of a subscription (PUT: endpoint and events at least; PATCH: any). Its
    organisation and secret stay."""

    read_serializer = SubscriptionCreatedSerializer
    endpoint = serializers.CharField(max_length=URL_MAX_LENGTH)
    events = EVENTS
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class SubscriptionInputSerializer(SubscriptionChangeSerializer):
    """A new subscription, of one organisation: ``provider`` or ``client`` (a code)."""

    provider = CodeRelatedField(queryset=ServiceProvider.objects.all(), required=False)
    client = CodeRelatedField(queryset=ClientEntity.objects.all(), required=False)


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    """One HTTP attempt: ``status_code`` (null when no answer came: see ``error``), its
    time in milliseconds and the first 1,000 characters of the answer."""

    class Meta:
        model = DeliveryAttempt
        fields = [
            "number",
            "started_at",
            "duration_ms",
            "status_code",
            "succeeded",
            "error",
            "response_body",
        ]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    """An event sent to a subscription: ``event_id`` is its ``webhook-id`` (the same on
    every attempt and redelivery), ``sequence`` 0 for the event's own delivery and 1, 2…
    for redeliveries by hand; ``payload`` is the JSON body sent."""

    url = serializers.HyperlinkedIdentityField(view_name="webhooks-api:delivery-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    subscription = serializers.PrimaryKeyRelatedField(read_only=True)
    organisation = serializers.CharField(source="subscription.organisation_code", read_only=True)
    payload = serializers.JSONField(source="payload_json", read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "url",
            "display",
            "subscription",
            "organisation",
            "event_id",
            "event_type",
            "sequence",
            "status",
            "attempts",
            "last_status_code",
            "next_attempt_at",
            "created_at",
            "finished_at",
            "payload",
        ]
        read_only_fields = fields


class DeliveryDetailSerializer(DeliverySerializer):
    attempt_log = DeliveryAttemptSerializer(many=True, read_only=True)

    class Meta(DeliverySerializer.Meta):
        fields = [*DeliverySerializer.Meta.fields, "attempt_log"]
        read_only_fields = fields
