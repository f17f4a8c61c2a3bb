"""Pages of webhooks: an organisation's subscriptions (added, changed, removed by its
managers and catalogue managers; the secret shown once, when made), the deliveries of
their events with each attempt, and a redelivery by hand.

Every page asks the user's scope (``UserScope.manages_webhooks``,
``may_manage_webhooks_of``); another organisation's subscription or delivery is a 404.
Every change goes through ``webhooks.services``.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from accounts.selectors import user_scope
from clients.models import ClientEntity
from core.exceptions import ApplicationError
from core.forms import add_refusal
from core.views import FilteredListView
from providers.models import ServiceProvider

from .filtersets import DeliveryFilterSet, SubscriptionFilterSet
from .forms import SubscriptionForm
from .selectors import attempts_of, delivery_queryset, subscription_queryset
from .services import (
    delivery_redeliver,
    subscription_create,
    subscription_delete,
    subscription_update,
)
from .tables import DELIVERIES, SUBSCRIPTIONS, attempts_table
from .tasks import send_deliveries


class KeepersOnly:
    """The pages of webhooks are for those who keep some organisation's (403 otherwise)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_scope(request.user).manages_webhooks:
            raise PermissionDenied(
                "Webhooks are kept by provider managers, client focal points and catalogue "
                "managers."
            )
        return super().dispatch(request, *args, **kwargs)


class SubscriptionListView(KeepersOnly, FilteredListView):
    filterset_class = SubscriptionFilterSet
    template_name = "webhooks/subscription_list.html"
    table = SUBSCRIPTIONS
    default_ordering = ("pk",)

    def get_base_queryset(self):
        return subscription_queryset(user=self.request.user)


def _organisations(user) -> list[tuple[str, str]]:
    """The organisations whose webhooks the user keeps, as form choices."""
    scope = user_scope(user)
    providers = ServiceProvider.objects.order_by("code")
    clients = ClientEntity.objects.order_by("code")
    if not scope.is_catalogue_manager:
        providers = providers.filter(pk__in=scope.managed_provider_ids)
        clients = clients.filter(pk__in=scope.focal_point_client_ids)
    return [(f"provider:{p.pk}", f"{p.code} – {p.name} (provider)") for p in providers] + [
        (f"client:{c.pk}", f"{c.code} – {c.name} (client entity)") for c in clients
    ]


class SubscriptionCreateView(KeepersOnly, LoginRequiredMixin, View):
    """Add a subscription; its secret is shown on the answer, once."""

    template_name = "webhooks/subscription_form.html"

    def get(self, request):
        form = SubscriptionForm(organisations=_organisations(request.user))
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = SubscriptionForm(request.POST, organisations=_organisations(request.user))
        if form.is_valid():
            data = dict(form.cleaned_data)
            kind, pk = data.pop("organisation").split(":")
            owner = (ServiceProvider if kind == "provider" else ClientEntity).objects.get(pk=pk)
            try:
                subscription = subscription_create(user=request.user, **{kind: owner}, **data)
            except ApplicationError as exc:
                add_refusal(form, exc)
            else:
                return render(
                    request, "webhooks/subscription_secret.html", {"subscription": subscription}
                )
        return render(request, self.template_name, {"form": form}, status=400)


def _subscription(request, pk):
    return get_object_or_404(subscription_queryset(user=request.user), pk=pk)


class SubscriptionEditView(KeepersOnly, LoginRequiredMixin, View):
    """Change a subscription's URL, events, description, or pause it."""

    template_name = "webhooks/subscription_form.html"

    def get(self, request, pk):
        subscription = _subscription(request, pk)
        form = SubscriptionForm(
            initial={
                "url": subscription.url,
                "events": subscription.events,
                "description": subscription.description,
                "is_active": subscription.is_active,
            }
        )
        return render(request, self.template_name, {"form": form, "subscription": subscription})

    def post(self, request, pk):
        subscription = _subscription(request, pk)
        form = SubscriptionForm(request.POST)
        if form.is_valid():
            try:
                subscription = subscription_update(
                    user=request.user, subscription=subscription, changes=form.cleaned_data
                )
            except ApplicationError as exc:
                add_refusal(form, exc)
            else:
                messages.success(request, f"Webhook saved: {subscription}.")
                return redirect("webhooks:subscription-list")
        context = {"form": form, "subscription": subscription}
        return render(request, self.template_name, context, status=400)


class SubscriptionDeleteView(KeepersOnly, LoginRequiredMixin, View):
    def post(self, request, pk):
        subscription = _subscription(request, pk)
        subscription_delete(user=request.user, subscription=subscription)
        messages.success(request, f"Webhook removed: {subscription.url}.")
        return redirect("webhooks:subscription-list")


class DeliveryListView(KeepersOnly, FilteredListView):
    filterset_class = DeliveryFilterSet
    template_name = "webhooks/delivery_list.html"
    table = DELIVERIES
    default_ordering = ("-created_at", "-pk")

    def get_base_queryset(self):
        return delivery_queryset(user=self.request.user)


class DeliveryDetailView(KeepersOnly, LoginRequiredMixin, View):
    """A delivery: its payload and each attempt."""

    def get(self, request, pk):
        delivery = get_object_or_404(delivery_queryset(user=request.user), pk=pk)
        return render(
            request,
            "webhooks/delivery_detail.html",
            {"delivery": delivery, "table": attempts_table(attempts_of(delivery))},
        )


class DeliveryRedeliverView(KeepersOnly, LoginRequiredMixin, View):
    """POST: send the delivery's event again, as a new delivery."""

    def post(self, request, pk):
        delivery = get_object_or_404(delivery_queryset(user=request.user), pk=pk)
        try:
            again = delivery_redeliver(user=request.user, delivery=delivery)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect(reverse("webhooks:delivery-detail", args=[delivery.pk]))
        send_deliveries([again.pk])
        messages.success(request, f"Sent again: {again.event_type} {again.event_id}.")
        return redirect(reverse("webhooks:delivery-detail", args=[again.pk]))
