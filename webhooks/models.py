"""Webhook subscriptions of an organisation, and the deliveries of the events they chose.

A subscription belongs to one organisation: a service provider or a client entity. Each
event fans out into one ``Delivery`` per matching active subscription; the delivery keeps
the exact body signed and sent, and the event's id (``webhook-id``), the same on every
attempt and on a redelivery by hand, so that a receiver can drop what it already has.
Each HTTP attempt is a ``DeliveryAttempt``: its status code, time and the start of the
answer.
"""

import json

from django.conf import settings
from django.db import models
from django.db.models import Q

from .choices import RESPONSE_BODY_KEPT, URL_MAX_LENGTH, DeliveryStatus


class Subscription(models.Model):
    """A URL of an organisation that receives the events it chose, signed with its secret
    (Standard Webhooks, ``whsec_`` and base64): the secret is shown once, when made."""

    provider = models.ForeignKey(
        "providers.ServiceProvider",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    client = models.ForeignKey(
        "clients.ClientEntity", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    url = models.URLField(max_length=URL_MAX_LENGTH)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text="The event types sent to this URL.")
    secret = models.CharField(max_length=120)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(provider__isnull=False, client__isnull=True)
                | Q(provider__isnull=True, client__isnull=False),
                name="%(app_label)s_%(class)s_provider_xor_client",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_code}: {self.url}"

    @property
    def organisation_code(self) -> str:
        return self.provider.code if self.provider_id else self.client.code


class Delivery(models.Model):
    """One event sent to one subscription, retried with back-off until it is answered
    with a 2xx or the attempts run out. ``sequence`` is 0 for the event's own delivery
    and 1, 2… for each redelivery by hand (same ``event_id``, same body)."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.CharField(max_length=40)
    event_type = models.CharField(max_length=40)
    body = models.TextField(help_text="The JSON sent, exactly as signed.")
    sequence = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who asked for a redelivery by hand.",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id", "sequence"],
                name="%(app_label)s_%(class)s_unique_event_sequence",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} #{self.sequence}"

    @property
    def payload_json(self):
        return json.loads(self.body)


class DeliveryAttempt(models.Model):
    """One HTTP request of a delivery: when, how long, what came back (or why none)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.CharField(max_length=RESPONSE_BODY_KEPT, blank=True)
    error = models.CharField(max_length=300, blank=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        ordering = ["delivery_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "number"], name="%(app_label)s_%(class)s_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id} attempt {self.number}: {self.status_code or self.error}"
