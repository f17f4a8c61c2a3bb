from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.views.generic import DetailView

from accounts.selectors import user_scope
from core.views import FilteredListView

from .filtersets import ServiceFilterSet
from .models import Service
from .selectors import designations_for_service, service_detail, service_queryset


class ServiceListView(FilteredListView):
    """The catalogue: keyword search, filters, sorting and pagination."""

    selector = service_queryset
    filterset_class = ServiceFilterSet
    template_name = "catalogue/service_list.html"
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
