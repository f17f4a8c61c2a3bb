"""Reads of webhooks: the subscriptions and deliveries a user may see, each with its
joins, so that lists run a fixed number of queries."""

from django.db.models import Q, QuerySet

from accounts.selectors import user_scope

from .models import Delivery, DeliveryAttempt, Subscription


def _organisations(user, prefix: str = "") -> Q | None:
    """The filter of the organisations whose webhooks the user keeps (None: every one)."""
    scope = user_scope(user)
    if scope.is_catalogue_manager:
        return None
    return Q(**{f"{prefix}provider_id__in": scope.managed_provider_ids}) | Q(
        **{f"{prefix}client_id__in": scope.focal_point_client_ids}
    )


def subscription_queryset(*, user) -> QuerySet[Subscription]:
    """The subscriptions the user keeps: catalogue managers every one, provider managers
    their providers', client focal points their entities'."""
    qs = Subscription.objects.select_related("provider", "client")
    where = _organisations(user)
    return qs if where is None else qs.filter(where)


def delivery_queryset(*, user) -> QuerySet[Delivery]:
    """The deliveries of those subscriptions, newest first."""
    qs = Delivery.objects.select_related("subscription__provider", "subscription__client")
    where = _organisations(user, "subscription__")
    return qs if where is None else qs.filter(where)


def attempts_of(delivery: Delivery) -> QuerySet[DeliveryAttempt]:
    return DeliveryAttempt.objects.filter(delivery=delivery).order_by("number")
