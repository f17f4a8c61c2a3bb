"""Page building blocks every app's views use."""

import sys

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db import InterfaceError, OperationalError
from django.db.models import QuerySet
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.functional import cached_property
from django.views.defaults import page_not_found
from django.views.defaults import server_error as django_server_error
from django.views.generic import ListView

from .exports import csv_response


class CappedPaginator(Paginator):
    """A paginator that counts at most ``cap`` rows and one more.

    Saying "page 1 of 20,000" costs a count of every matching row: about 100 ms at a
    million records, on every page view. Nobody pages that far; past ``cap`` the page
    says "more than 10,000 results" and offers the first ``cap / per_page`` pages."""

    cap = 10_000

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            # Any cap + 1 rows will do: no ordering, so no sort under the limit.
            return self.object_list.order_by()[: self.cap + 1].count()
        return min(len(self.object_list), self.cap + 1)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def cap_text(self) -> str:
        return f"{self.cap:,}"

    @cached_property
    def num_pages(self) -> int:
        if self.capped:
            return self.cap // self.per_page
        return super().num_pages


class LateRowPaginator(CappedPaginator):
    """A capped paginator that picks the page's rows before reading them in full.

    For a list ordered by other tables' columns (a result by its provider's and standard's
    codes), the database would join every matching row to everything the page shows and
    sort those wide rows to keep 50. Here the page's keys are chosen in a subquery that
    joins only what the ordering needs; the outer query reads just those rows, with their
    related objects, in the same order. Still one query per page."""

    def _get_page(self, object_list, *args, **kwargs):
        if isinstance(object_list, QuerySet) and object_list.query.is_sliced:
            object_list = self.object_list.filter(pk__in=object_list.values("pk"))
        return super()._get_page(object_list, *args, **kwargs)


class TableMixin:
    """A list view whose page shows ``table`` (a ``core.tables.ListTable``) over the
    page's objects, in the context as ``table``."""

    table = None

    def get_table(self, objects, *, filtered: bool = False):
        table = self.table.page(
            objects, query=self.request.GET, filtered=filtered, path=self.request.path
        )
        if not filtered:
            table.empty_link = self.empty_link()
        return table

    def empty_link(self) -> tuple[str, str] | None:
        """(text, href) of what to do about an empty list (e.g. import some records)."""
        return None


class FilteredListView(TableMixin, LoginRequiredMixin, ListView):
    """A paginated list driven by the same FilterSet as the API.

    Subclasses set ``selector`` (the base queryset with its joins),
    ``filterset_class`` and ``table`` (the page's ``ListTable``). Invalid filters show
    their errors and an empty list. With ``export_filename``, ``?export=csv`` downloads
    the whole filtered list with the table's exported columns.
    """

    selector = None
    filterset_class = None
    paginate_by = 25
    paginator_class = CappedPaginator
    default_ordering: tuple[str, ...] = ()
    export_filename = ""

    def get(self, request, *args, **kwargs):
        if self.export_filename and request.GET.get("export") == "csv":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        """The filtered list as a streamed CSV file (constant memory)."""
        return csv_response(
            self.export_filename,
            self.table.export_header(),
            self.table.export_rows(self.get_queryset()),
        )

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=self.get_base_queryset(), request=self.request
        )
        if self.filterset.is_bound and not self.filterset.is_valid():
            return self.filterset.queryset.none()
        qs = self.filterset.qs
        if not self.request.GET.get("ordering") and self.default_ordering:
            qs = qs.order_by(*self.default_ordering)
        return qs

    def get_base_queryset(self):
        return type(self).selector()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        context["is_filtered"] = any(v for k, v in self.request.GET.items() if k != "page")
        # Sorted is not filtered: the caption and the empty state speak of the filters only
        # when one is set.
        filtered = any(v for k, v in self.request.GET.items() if k not in ("page", "ordering"))
        context["table"] = self.get_table(context["object_list"], filtered=filtered)
        return context


def not_found(request, exception=None):
    """404: the API's JSON error shape under /api/, the portal's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"message": "Not found.", "errors": {}}, status=404)
    return page_not_found(request, exception)


UNAVAILABLE_SECONDS = 30


def server_error(request):
    """500: the API's JSON error shape under /api/, the portal's page elsewhere.

    When the database cannot be reached (restarting, say), 503 with Retry-After instead:
    the request can simply be sent again; persistent connections are checked before
    reuse, so the portal recovers on its own once the database is back.
    """
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return _unavailable(request)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"message": "Server error: it has been logged; nothing was half-stored.", "errors": {}},
            status=500,
        )
    return django_server_error(request)


def _unavailable(request):
    message = "The service is briefly unavailable; nothing was half-stored. Try again shortly."
    if request.path.startswith("/api/"):
        response = JsonResponse({"message": message, "errors": {}}, status=503)
    else:
        # Rendered without the request's context processors: they would query the database.
        page = loader.get_template("503.html").render({"message": message})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(UNAVAILABLE_SECONDS)
    return response
