"""Pages of the catalogue: services, the providers offering them, and the client entities
they serve (who is designated for what)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView

from accounts.selectors import user_scope
from clients.filtersets import ClientEntityFilterSet
from clients.models import ClientEntity
from clients.selectors import client_detail, client_queryset
from core.choices import Weekday
from core.exceptions import ApplicationError
from core.forms import add_refusal
from core.views import FilteredListView
from core.zones import portal_today
from providers.filtersets import ServiceProviderFilterSet
from providers.models import ServiceProvider
from providers.selectors import provider_detail, provider_queryset

from . import services
from .choices import DesignationStatus, Lifecycle
from .filtersets import DesignationFilterSet, ServiceFilterSet
from .forms import DecisionForm, DesignationRequestForm, EndForm
from .models import Designation, Service
from .selectors import (
    designated_providers,
    designations_for_client,
    designations_for_provider,
    designations_for_service,
    offering_queryset,
    pending_designation_count,
    service_detail,
    service_queryset,
    visible_designations,
)
from .tables import CLIENT_ENTITIES, DESIGNATIONS, PROVIDERS, SERVICES


class ServiceListView(FilteredListView):
    """The catalogue: keyword search, filters, sorting and pagination."""

    selector = service_queryset
    filterset_class = ServiceFilterSet
    template_name = "catalogue/service_list.html"
    table = SERVICES
    default_ordering = ("area__name", "code")


class ServiceDetailView(LoginRequiredMixin, DetailView):
    """A service: its standards, the providers offering it, and who serves the user's entity."""

    template_name = "catalogue/service_detail.html"
    context_object_name = "service"

    def get_object(self, queryset=None):
        try:
            return service_detail(code=self.kwargs["code"])
        except Service.DoesNotExist as exc:
            raise Http404("No such service.") from exc

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = user_scope(self.request.user)
        context["my_designations"] = (
            designations_for_service(service=self.object, client_ids=scope.client_ids)
            if scope.client_ids
            else []
        )
        return context


class ServiceProviderListView(FilteredListView):
    selector = provider_queryset
    filterset_class = ServiceProviderFilterSet
    template_name = "catalogue/serviceprovider_list.html"
    table = PROVIDERS
    default_ordering = ("code",)


class ServiceProviderDetailView(LoginRequiredMixin, DetailView):
    """A provider's profile: duty station and calendar, services offered, clients served."""

    template_name = "catalogue/serviceprovider_detail.html"
    context_object_name = "provider"

    def get_object(self, queryset=None):
        try:
            return provider_detail(code=self.kwargs["code"])
        except ServiceProvider.DoesNotExist as exc:
            raise Http404("No such provider.") from exc

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["offerings"] = offering_queryset().filter(provider=self.object)
        context["designations"] = designations_for_provider(provider=self.object)
        context["sees_figures"] = user_scope(self.request.user).sees_provider(self.object.pk)
        context["weekdays"] = Weekday.choices
        return context


class ClientEntityListView(FilteredListView):
    selector = client_queryset
    filterset_class = ClientEntityFilterSet
    template_name = "catalogue/cliententity_list.html"
    table = CLIENT_ENTITIES
    default_ordering = ("code",)


class ClientEntityDetailView(LoginRequiredMixin, DetailView):
    """A client entity's profile: its designated providers by area and service."""

    template_name = "catalogue/cliententity_detail.html"
    context_object_name = "entity"

    def get_object(self, queryset=None):
        try:
            return client_detail(code=self.kwargs["code"])
        except ClientEntity.DoesNotExist as exc:
            raise Http404("No such client entity.") from exc

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["designations"] = designations_for_client(client=self.object)
        # Service by service, as SLA registration and the service pages answer it.
        live = list(
            Service.objects.filter(lifecycle=Lifecycle.LIVE).select_related("area").order_by("code")
        )
        chosen = designated_providers(client_ids=[self.object.pk], services=live, on=portal_today())
        context["by_service"] = [(s, chosen.get((self.object.pk, s.pk))) for s in live]
        scope = user_scope(self.request.user)
        context["may_request"] = scope.may_request_designation_for(self.object.pk)
        # Requests waiting: only those the user may see (scoped like every designation).
        context["requests"] = list(
            visible_designations(scope)
            .filter(client=self.object, status=DesignationStatus.REQUESTED)
            .order_by("requested_at")
        )
        return context


# --- designations (DOMAIN §9) ----------------------------------------------------------


class DesignationListView(FilteredListView):
    """Designations the user may see: approved ones by default, requests with ``status``."""

    filterset_class = DesignationFilterSet
    template_name = "catalogue/designation_list.html"
    table = DESIGNATIONS
    default_ordering = ("client__code", "valid_from", "pk")

    def get_base_queryset(self):
        return visible_designations(user_scope(self.request.user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = user_scope(self.request.user)
        context["may_request"] = scope.may_request_designations
        context["pending"] = pending_designation_count(scope)
        return context


def _requestable_clients(user):
    scope = user_scope(user)
    clients = ClientEntity.objects.order_by("code")
    if scope.is_catalogue_manager:
        return clients
    return clients.filter(pk__in=scope.focal_point_client_ids)


class DesignationRequestView(LoginRequiredMixin, View):
    """Request a provider for a client entity and a service or a whole area (its focal
    points, catalogue managers)."""

    template_name = "catalogue/designation_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_scope(request.user).may_request_designations:
            raise PermissionDenied(
                "Only client focal points and catalogue managers request designations."
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        initial = {"valid_from": portal_today()}
        for name in ("client", "service", "area", "provider"):
            if request.GET.get(name):
                initial[name] = request.GET[name][:64]
        form = DesignationRequestForm(initial=initial, clients=_requestable_clients(request.user))
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = DesignationRequestForm(request.POST, clients=_requestable_clients(request.user))
        if form.is_valid():
            try:
                designation = services.designation_request(user=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                add_refusal(form, exc)
            else:
                messages.success(request, f"Request {designation} sent to the catalogue managers.")
                return redirect("catalogue:designation-detail", pk=designation.pk)
        return render(request, self.template_name, {"form": form}, status=400)


def _visible_designation(user, pk) -> Designation:
    try:
        return visible_designations(user_scope(user)).get(pk=pk)
    except Designation.DoesNotExist:
        raise Http404("No such designation.") from None


def _designation_context(request, designation, **forms) -> dict:
    scope = user_scope(request.user)
    pending = designation.status == DesignationStatus.REQUESTED
    approved = designation.status == DesignationStatus.APPROVED
    return {
        "designation": designation,
        "history": list(
            designation.history.select_related("history_user").order_by("-history_date", "-pk")
        ),
        "may_decide": pending and scope.decides_designations,
        "may_withdraw": pending and scope.may_request_designation_for(designation.client_id),
        "may_end": approved and scope.decides_designations,
        "approve_form": forms.get("approve_form") or DecisionForm(prefix="approve"),
        "decline_form": forms.get("decline_form") or DecisionForm(prefix="decline"),
        "end_form": forms.get("end_form") or EndForm(prefix="end"),
    }


class DesignationDetailView(LoginRequiredMixin, View):
    """A designation or request: what, who, when, the decision and why, its history, and
    the steps the user may take now."""

    def get(self, request, pk):
        designation = _visible_designation(request.user, pk)
        return render(
            request, "catalogue/designation_detail.html", _designation_context(request, designation)
        )


DESIGNATION_ACTIONS = ("approve", "decline", "withdraw", "end")


class DesignationActionView(LoginRequiredMixin, View):
    """POST a step of the workflow (approve, decline, withdraw, end) to the services."""

    def post(self, request, pk, action):
        designation = _visible_designation(request.user, pk)
        form = None
        try:
            if action == "approve":
                form = DecisionForm(request.POST, prefix="approve")
                if form.is_valid():
                    services.designation_approve(
                        user=request.user,
                        designation=designation,
                        reason=form.cleaned_data["reason"],
                    )
            elif action == "decline":
                form = DecisionForm(request.POST, prefix="decline")
                if form.is_valid():
                    services.designation_decline(
                        user=request.user,
                        designation=designation,
                        reason=form.cleaned_data["reason"],
                    )
            elif action == "withdraw":
                services.designation_withdraw(user=request.user, designation=designation)
            elif action == "end":
                form = EndForm(request.POST, prefix="end")
                if form.is_valid():
                    services.designation_end(
                        user=request.user, designation=designation, **form.cleaned_data
                    )
            else:
                raise Http404("No such action.")
        except services.DesignationPermissionDenied as exc:
            messages.error(request, exc.message)
            raise PermissionDenied(exc.message) from None
        except ApplicationError as exc:
            if form is None:
                messages.error(request, exc.message)
                return redirect("catalogue:designation-detail", pk=designation.pk)
            add_refusal(form, exc)
        if form is not None and form.errors:
            designation = _visible_designation(request.user, pk)
            context = _designation_context(request, designation, **{f"{action}_form": form})
            return render(request, "catalogue/designation_detail.html", context, status=400)
        messages.success(request, f"Designation {designation}: {action} recorded.")
        return redirect(reverse("catalogue:designation-detail", args=[designation.pk]))
