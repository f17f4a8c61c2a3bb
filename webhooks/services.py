"""Writes of webhooks: subscriptions (kept by the organisation's managers and catalogue
managers), the fan-out of an event into deliveries, one attempt of a delivery, and a
redelivery by hand.

Attempts follow the Standard Webhooks recommendations: a 2xx answer delivers; anything
else (another status, a redirect, a time-out, a refused address) is retried with an
exponential back-off (``retry_delay``, at least what a ``Retry-After`` asks) until
``WEBHOOK_MAX_ATTEMPTS``; a ``410 Gone`` says the receiver wants no more: the delivery
stops and the subscription is paused.
"""

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from accounts.selectors import user_scope
from core.audit import audit_action
from core.exceptions import ApplicationError

from . import sending, signing
from .choices import DeliveryStatus, EventType
from .models import Delivery, DeliveryAttempt, Subscription
from .safety import UnsafeUrl, check_url

FIELDS = ("url", "events", "description", "is_active")
# A claimed attempt not finished this long after it started is taken as lost (its worker
# died): the sweep (``deliveries_due``) sends it again.
LEASE_SECONDS = 120


class WebhookPermissionDenied(ApplicationError):
    """An action the user's role does not allow (HTTP 403)."""

    status_code = 403


def require_manager(user, *, provider_id=None, client_id=None) -> None:
    scope = user_scope(user)
    if provider_id is None and client_id is None:
        allowed = scope.manages_webhooks
    else:
        allowed = scope.may_manage_webhooks_of(provider_id=provider_id, client_id=client_id)
    if not allowed:
        raise WebhookPermissionDenied(
            "Only the organisation's managers (a provider's managers, a client entity's "
            "focal points) and catalogue managers keep its webhooks."
        )


def clean_events(events) -> list[str]:
    """The event types chosen, each known, at least one."""
    if not isinstance(events, list | tuple) or not events:
        raise ApplicationError("Choose at least one event.", {"events": ["choose at least one"]})
    unknown = sorted({str(e)[:60] for e in events if not isinstance(e, str) or e not in EventType})
    if unknown:
        raise ApplicationError(
            f"Unknown event: {', '.join(unknown)}.",
            {"events": [f"'{u}' is not an event the portal sends" for u in unknown]},
        )
    return sorted(set(events))


def clean_url(url) -> str:
    """A URL the portal may call (https, public addresses: see ``safety``)."""
    try:
        check_url(url)
    except UnsafeUrl as exc:
        raise ApplicationError(str(exc), {"url": [str(exc)]}) from None
    return url


def _clean_description(value) -> str:
    value = (value or "").strip()
    if len(value) > 200:
        raise ApplicationError(
            "The description is longer than 200 characters.", {"description": ["too long"]}
        )
    return value


@transaction.atomic
def subscription_create(
    *,
    user,
    url: str,
    events,
    provider=None,
    client=None,
    description: str = "",
    is_active: bool = True,
) -> Subscription:
    """Subscribe an organisation's URL to events. The secret is made here and shown once
    (``subscription.secret`` on the object returned); pages and the API never show it
    again."""
    if (provider is None) == (client is None):
        reason = ["name a provider or a client entity, not both"]
        raise ApplicationError(
            "A subscription belongs to one organisation: a provider or a client entity.",
            {"provider": reason, "client": reason},
        )
    require_manager(
        user,
        provider_id=provider.pk if provider else None,
        client_id=client.pk if client else None,
    )
    subscription = Subscription(
        provider=provider,
        client=client,
        url=clean_url(url),
        events=clean_events(events),
        description=_clean_description(description),
        is_active=bool(is_active),
        secret=signing.new_secret(),
        created_by=user if getattr(user, "pk", None) else None,
    )
    subscription.full_clean(exclude=["url"])  # the URL was checked more strictly above
    subscription.save()
    return subscription


@transaction.atomic
def subscription_update(*, user, subscription: Subscription, changes: dict) -> Subscription:
    """Change a subscription's URL, events, description or whether it is active (its
    organisation and its secret stay)."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    require_manager(user, provider_id=subscription.provider_id, client_id=subscription.client_id)
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise ApplicationError(
            f"Not a field of a subscription that can change: {', '.join(unknown)}.",
            {name: ["cannot be changed"] for name in unknown},
        )
    if "url" in changes:
        subscription.url = clean_url(changes["url"])
    if "events" in changes:
        subscription.events = clean_events(changes["events"])
    if "description" in changes:
        subscription.description = _clean_description(changes["description"])
    if "is_active" in changes:
        subscription.is_active = bool(changes["is_active"])
    subscription.full_clean(exclude=["url"])
    subscription.save()
    return subscription


@transaction.atomic
def subscription_delete(*, user, subscription: Subscription) -> None:
    """Remove a subscription and its deliveries' log."""
    require_manager(user, provider_id=subscription.provider_id, client_id=subscription.client_id)
    subscription.delete()


# --- events ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """Something that happened, for the subscriptions of ``provider_id`` and
    ``client_id``. ``key``, when given, makes the event's id: the same happening
    announced twice (a task run again) is then delivered once."""

    type: str
    data: dict
    provider_id: int | None = None
    client_id: int | None = None
    key: str | None = None
    occurred_at: dt.datetime | None = field(default=None)


def _event_id(event: Event) -> str:
    if event.key is None:
        return signing.new_event_id()
    return "msg_" + hashlib.sha256(f"{event.type}:{event.key}".encode()).hexdigest()[:32]


def body_of(event: Event) -> str:
    """The JSON sent: ``type``, ``timestamp`` (when it happened, UTC) and ``data``."""
    when = (event.occurred_at or timezone.now()).astimezone(dt.UTC)
    return json.dumps(
        {
            "type": event.type,
            "timestamp": when.isoformat().replace("+00:00", "Z"),
            "data": event.data,
        },
        separators=(",", ":"),
        cls=DjangoJSONEncoder,
    )


def emit_events(events: list[Event]) -> list[int]:
    """One pending delivery per event and active subscription of its organisations that
    chose its type (one query for the subscriptions, one insert); the ids of the new
    deliveries, for the caller to send."""
    if not events:
        return []
    provider_ids = {e.provider_id for e in events if e.provider_id}
    client_ids = {e.client_id for e in events if e.client_id}
    subscriptions = list(
        Subscription.objects.filter(is_active=True).filter(
            Q(provider_id__in=provider_ids) | Q(client_id__in=client_ids)
        )
    )
    if not subscriptions:
        return []
    now = timezone.now()
    rows = []
    for event in events:
        matching = [
            s
            for s in subscriptions
            if event.type in s.events
            and (
                (s.provider_id and s.provider_id == event.provider_id)
                or (s.client_id and s.client_id == event.client_id)
            )
        ]
        if not matching:
            continue
        event_id, body = _event_id(event), body_of(event)
        rows += [
            Delivery(
                subscription=s,
                event_id=event_id,
                event_type=event.type,
                body=body,
                next_attempt_at=now,
            )
            for s in matching
        ]
    if not rows:
        return []
    with transaction.atomic():
        # A keyed event already announced is not delivered again.
        same = Delivery.objects.filter(
            event_id__in={r.event_id for r in rows},
            sequence=0,
            subscription_id__in={r.subscription_id for r in rows},
        )
        known = set(same.values_list("subscription_id", "event_id"))
        rows = [r for r in rows if (r.subscription_id, r.event_id) not in known]
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        new = {(r.subscription_id, r.event_id) for r in rows}
        return [
            pk
            for pk, subscription_id, event_id in same.values_list(
                "pk", "subscription_id", "event_id"
            )
            if (subscription_id, event_id) in new
        ]


# --- attempts --------------------------------------------------------------------------


def retry_delay(attempt: int, retry_after: int | None = None) -> int:
    """Seconds before the attempt after ``attempt``: the base, times 4 for each attempt
    made, plus up to a tenth more at random (so that receivers coming back are not hit
    by every sender at once); at least ``Retry-After``; at most the cap."""
    base = settings.WEBHOOK_RETRY_BASE_SECONDS * 4 ** (attempt - 1)
    delay = base + secrets.randbelow(max(1, base // 10) + 1)
    return int(min(max(delay, retry_after or 0), settings.WEBHOOK_RETRY_MAX_SECONDS))


@dataclass(frozen=True)
class AttemptResult:
    status: str  # "skipped", or the delivery's status after the attempt
    retry_in: int | None = None


def delivery_attempt(*, delivery_id: int, attempt: int) -> AttemptResult:
    """Make attempt number ``attempt`` of a delivery, once: the attempt is claimed first
    (a second run of the same task, or the sweep, finds it taken and does nothing)."""
    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, attempts=attempt - 1
    ).update(attempts=attempt, next_attempt_at=now + dt.timedelta(seconds=LEASE_SECONDS))
    if not claimed:
        return AttemptResult("skipped")
    delivery = Delivery.objects.select_related("subscription").get(pk=delivery_id)
    subscription = delivery.subscription
    started = timezone.now()
    if subscription.is_active:
        body = delivery.body.encode()
        outcome = sending.post(
            subscription.url, body, signing.headers(subscription.secret, delivery.event_id, body)
        )
    else:
        outcome = sending.Outcome(None, "", "the subscription is paused", 0)
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=attempt,
            started_at=started,
            duration_ms=outcome.duration_ms,
            status_code=outcome.status_code,
            response_body=outcome.response_body,
            error=outcome.error,
            succeeded=outcome.succeeded,
        )
        fields = {"last_status_code": outcome.status_code}
        retry_in = None
        if outcome.succeeded:
            fields.update(status=DeliveryStatus.SUCCEEDED, finished_at=timezone.now())
        elif (
            outcome.status_code == 410
            or not subscription.is_active
            or attempt >= settings.WEBHOOK_MAX_ATTEMPTS
        ):
            fields.update(status=DeliveryStatus.FAILED, finished_at=timezone.now())
        else:
            retry_in = retry_delay(attempt, outcome.retry_after)
            fields["next_attempt_at"] = timezone.now() + dt.timedelta(seconds=retry_in)
        if fields.get("status"):
            fields["next_attempt_at"] = None
        Delivery.objects.filter(pk=delivery.pk).update(**fields)
        if outcome.status_code == 410 and subscription.is_active:
            subscription.is_active = False
            subscription.save(update_fields=["is_active", "updated_at"])
    return AttemptResult(fields.get("status", DeliveryStatus.PENDING), retry_in)


def deliveries_due(*, now: dt.datetime | None = None) -> list[tuple[int, int]]:
    """(delivery id, attempt) of the pending deliveries whose next attempt is overdue by
    more than a minute (its task was lost, or the broker was away); a delivery whose last
    attempt never finished and has no attempt left fails."""
    now = now or timezone.now()
    overdue = Delivery.objects.filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lt=now - dt.timedelta(minutes=1)
    )
    overdue.filter(attempts__gte=settings.WEBHOOK_MAX_ATTEMPTS).update(
        status=DeliveryStatus.FAILED, finished_at=now, next_attempt_at=None
    )
    return [
        (pk, attempts + 1)
        for pk, attempts in overdue.filter(attempts__lt=settings.WEBHOOK_MAX_ATTEMPTS)
        .order_by("next_attempt_at")
        .values_list("pk", "attempts")[:1000]
    ]


@transaction.atomic
def delivery_redeliver(*, user, delivery: Delivery) -> Delivery:
    """Send a delivery's event again, by hand: a new delivery of the same event (same id,
    same body, freshly signed), with its own attempts."""
    subscription = delivery.subscription
    require_manager(user, provider_id=subscription.provider_id, client_id=subscription.client_id)
    if not subscription.is_active:
        raise ApplicationError(
            "The subscription is paused: make it active again, then redeliver.",
            {"subscription": ["paused"]},
        )
    if delivery.status == DeliveryStatus.PENDING:
        raise ApplicationError(
            "This delivery is still being attempted: wait for its outcome.",
            {"status": ["still pending"]},
        )
    # One redelivery at a time per subscription: each takes the next sequence number.
    Subscription.objects.select_for_update().filter(pk=subscription.pk).first()
    last = Delivery.objects.filter(subscription=subscription, event_id=delivery.event_id)
    sequence = (last.aggregate(m=Max("sequence"))["m"] or 0) + 1
    again = Delivery.objects.create(
        subscription=subscription,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        body=delivery.body,
        sequence=sequence,
        next_attempt_at=timezone.now(),
        requested_by=user,
    )
    audit_action(
        action="webhooks.redelivered",
        target=again,
        changes={"event_id": delivery.event_id, "of": delivery.pk},
    )
    return again
