from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.views.generic import DetailView

from catalogue.selectors import designations_for_client
from core.views import FilteredListView

from .filtersets import ClientEntityFilterSet
from .models import ClientEntity
from .selectors import client_detail, client_queryset


class ClientEntityListView(FilteredListView):
    selector = client_queryset
    filterset_class = ClientEntityFilterSet
    template_name = "clients/cliententity_list.html"
    default_ordering = ("code",)


class ClientEntityDetailView(LoginRequiredMixin, DetailView):
    """A client entity's profile: its designated providers by area and service."""

    template_name = "clients/cliententity_detail.html"
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
