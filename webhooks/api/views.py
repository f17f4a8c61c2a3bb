"""API of webhooks: an organisation's subscriptions (``/api/v1/webhook-subscriptions/``)
and their deliveries (``/api/v1/webhook-deliveries/``, each with its attempts, and the
``redeliver`` action). Both are for the organisation's managers and catalogue managers
only; another organisation's subscription or delivery is a 404."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from accounts.selectors import user_scope
from core.api.serializers import NoInputSerializer
from core.api.viewsets import PortalGenericViewSet, PortalModelViewSet

from .. import services
from ..filtersets import DeliveryFilterSet, SubscriptionFilterSet
from ..selectors import delivery_queryset, subscription_queryset
from ..tasks import send_deliveries
from .serializers import (
    DeliveryDetailSerializer,
    DeliverySerializer,
    SubscriptionChangeSerializer,
    SubscriptionCreatedSerializer,
    SubscriptionInputSerializer,
    SubscriptionSerializer,
)


class WebhookKeepers(BasePermission):
    """Provider managers, client focal points and catalogue managers (reads included:
    a subscription names where an organisation's events go)."""

    message = (
        "Only an organisation's managers (provider managers, client focal points) and "
        "catalogue managers keep its webhooks."
    )

    def has_permission(self, request, view) -> bool:
        return user_scope(request.user).manages_webhooks


@extend_schema(tags=["webhooks"])
class SubscriptionViewSet(PortalModelViewSet):
    """Webhook subscriptions: an https URL of a provider or a client entity that receives
    the events it chose, signed as the Standard Webhooks specification says (see the
    README's webhooks section). The secret is in the answer to the POST only."""

    permission_classes = [WebhookKeepers]
    serializer_class = SubscriptionSerializer
    filterset_class = SubscriptionFilterSet

    def get_queryset(self):
        return subscription_queryset(user=self.request.user)

    def _answer(self, subscription, serializer=SubscriptionSerializer, code=status.HTTP_200_OK):
        data = serializer(subscription, context={"request": self.request}).data
        return Response(data, status=code)

    @extend_schema(
        request=SubscriptionInputSerializer, responses={201: SubscriptionCreatedSerializer}
    )
    def create(self, request, *args, **kwargs):
        data = SubscriptionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        subscription = services.subscription_create(
            user=request.user, url=values.pop("endpoint"), **values
        )
        return self._answer(subscription, SubscriptionCreatedSerializer, status.HTTP_201_CREATED)

    @extend_schema(request=SubscriptionChangeSerializer, responses=SubscriptionSerializer)
    def update(self, request, *args, **kwargs):
        subscription = self.get_object()
        data = SubscriptionChangeSerializer(data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        if "endpoint" in changes:
            changes["url"] = changes.pop("endpoint")
        subscription = services.subscription_update(
            user=request.user, subscription=subscription, changes=changes
        )
        return self._answer(subscription)

    @extend_schema(request=SubscriptionChangeSerializer, responses=SubscriptionSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.subscription_delete(user=request.user, subscription=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["webhooks"])
class DeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PortalGenericViewSet):
    """What was sent to the subscriptions the user keeps, newest first, each with its
    attempts (status code, time, the start of the answer) on its own page."""

    permission_classes = [WebhookKeepers]
    serializer_class = DeliverySerializer
    filterset_class = DeliveryFilterSet

    def get_queryset(self):
        return delivery_queryset(user=self.request.user)

    def get_serializer_class(self):
        return DeliveryDetailSerializer if self.action == "retrieve" else DeliverySerializer

    def retrieve(self, request, *args, **kwargs):
        delivery = self.get_queryset().prefetch_related("attempt_log").get(pk=self.get_object().pk)
        return Response(DeliveryDetailSerializer(delivery, context={"request": request}).data)

    @extend_schema(request=None, responses={202: DeliverySerializer})
    @action(detail=True, methods=["post"])
    def redeliver(self, request, pk=None):
        """Send the delivery's event again (same ``webhook-id``, same body, signed anew),
        as a new delivery with its own attempts; refused while it is still being
        attempted or its subscription is paused."""
        delivery = self.get_object()
        NoInputSerializer(data=request.data).is_valid(raise_exception=True)
        again = services.delivery_redeliver(user=request.user, delivery=delivery)
        send_deliveries([again.pk])
        again = self.get_queryset().get(pk=again.pk)
        return Response(
            DeliverySerializer(again, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )
