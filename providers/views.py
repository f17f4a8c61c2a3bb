from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.views.generic import DetailView

from catalogue.selectors import designations_for_provider, offering_queryset
from core.choices import Weekday
from core.views import FilteredListView

from .filtersets import ServiceProviderFilterSet
from .models import ServiceProvider
from .selectors import provider_detail, provider_queryset


class ServiceProviderListView(FilteredListView):
    selector = provider_queryset
    filterset_class = ServiceProviderFilterSet
    template_name = "providers/serviceprovider_list.html"
    default_ordering = ("code",)


class ServiceProviderDetailView(LoginRequiredMixin, DetailView):
    """A provider's profile: duty station and calendar, services offered, clients served."""

    template_name = "providers/serviceprovider_detail.html"
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
        context["weekdays"] = Weekday.choices
        return context
