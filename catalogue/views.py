"""Pages of the catalogue: services, the providers offering them, and the client entities
they serve (who is designated for what)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.views.generic import DetailView

from accounts.selectors import user_scope
from clients.filtersets import ClientEntityFilterSet
from clients.models import ClientEntity
from clients.selectors import client_detail, client_queryset
from core.choices import Weekday
from core.views import FilteredListView
from providers.filtersets import ServiceProviderFilterSet
from providers.models import ServiceProvider
from providers.selectors import provider_detail, provider_queryset

from .filtersets import ServiceFilterSet
from .models import Service
from .selectors import (
    designations_for_client,
    designations_for_provider,
    designations_for_service,
    offering_queryset,
    service_detail,
    service_queryset,
)
from .tables import CLIENT_ENTITIES, PROVIDERS, SERVICES


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
        return context
