"""Filters of webhooks, shared by the pages and the API."""

import django_filters

from clients.models import ClientEntity
from core.filters import CodeChoiceFilter, YesNoAnySelect
from providers.models import ServiceProvider

from .choices import DeliveryStatus, EventType
from .models import Delivery, Subscription


class SubscriptionFilterSet(django_filters.FilterSet):
    provider = CodeChoiceFilter(queryset=ServiceProvider.objects)
    client = CodeChoiceFilter(queryset=ClientEntity.objects, label="Client entity")
    is_active = django_filters.BooleanFilter(label="Active", widget=YesNoAnySelect)
    ordering = django_filters.OrderingFilter(
        fields=(("pk", "id"), ("url", "endpoint"), ("created_at", "created_at"))
    )

    class Meta:
        model = Subscription
        fields = ["provider", "client", "is_active"]


class DeliveryFilterSet(django_filters.FilterSet):
    subscription = django_filters.NumberFilter(field_name="subscription_id")
    provider = CodeChoiceFilter(
        field_name="subscription__provider", queryset=ServiceProvider.objects
    )
    client = CodeChoiceFilter(
        field_name="subscription__client", queryset=ClientEntity.objects, label="Client entity"
    )
    event_type = django_filters.ChoiceFilter(choices=EventType.choices, label="Event")
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices)
    event_id = django_filters.CharFilter(label="Event id (webhook-id)")
    ordering = django_filters.OrderingFilter(
        fields=(
            ("created_at", "created_at"),
            ("event_type", "event_type"),
            ("status", "status"),
            ("attempts", "attempts"),
        )
    )

    class Meta:
        model = Delivery
        fields = ["subscription", "provider", "client", "event_type", "status", "event_id"]
