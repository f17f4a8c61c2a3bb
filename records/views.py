from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import DetailView, FormView

from accounts.selectors import user_scope
from core.views import FilteredListView

from .choices import ImportStatus
from .filtersets import RecordImportFilterSet, ServiceRecordFilterSet
from .forms import RecordImportConfirmForm, RecordImportForm
from .selectors import record_deadlines, record_import_queryset, record_queryset
from .services import record_import_confirm, record_import_create
from .tables import RECORD_IMPORTS, SERVICE_RECORDS
from .tasks import apply_record_import, start_import_step, validate_record_import


class ServiceRecordListView(FilteredListView):
    """Records the user may see, filtered; ``?export=csv`` downloads them all as CSV, with
    the columns of the import file and what the portal measured (``tables``)."""

    filterset_class = ServiceRecordFilterSet
    template_name = "records/servicerecord_list.html"
    table = SERVICE_RECORDS
    export_filename = "service-records.csv"
    paginate_by = 50

    def get_base_queryset(self):
        return record_queryset(user=self.request.user)

    @cached_property
    def can_import(self) -> bool:
        return user_scope(self.request.user).may_import

    def empty_link(self):
        if self.can_import:
            return ("Import a CSV file", reverse("records:recordimport-create"))
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_import"] = self.can_import
        return context


class ServiceRecordDetailView(LoginRequiredMixin, DetailView):
    """One record; an open one shows its deadline and time left for each standard."""

    template_name = "records/servicerecord_detail.html"
    context_object_name = "record"

    def get_queryset(self):
        return record_queryset(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["deadlines"] = record_deadlines(record=self.object)
        return context


class RecordImportCreateView(LoginRequiredMixin, FormView):
    form_class = RecordImportForm
    template_name = "records/recordimport_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_scope(request.user).may_import:
            raise PermissionDenied("Only provider staff import service records.")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        record_import = record_import_create(
            user=self.request.user, filename=upload.name, source=upload
        )
        start_import_step(validate_record_import, record_import.pk)
        return redirect("records:recordimport-detail", pk=record_import.pk)


class RecordImportDetailView(LoginRequiredMixin, DetailView):
    """An import's progress, its validation report, and the confirmation step."""

    template_name = "records/recordimport_detail.html"
    context_object_name = "record_import"

    def get_queryset(self):
        return record_import_queryset(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["errors"] = self.object.errors.all()[:500]
        context["confirm_form"] = RecordImportConfirmForm()
        context["can_confirm"] = (
            self.object.status == ImportStatus.VALIDATED
            and self.object.created_by_id == self.request.user.pk
        )
        return context


class RecordImportConfirmView(LoginRequiredMixin, View):
    def post(self, request, pk):
        record_import = get_object_or_404(record_import_queryset(user=request.user), pk=pk)
        if record_import.created_by_id != request.user.pk:
            raise Http404
        form = RecordImportConfirmForm(request.POST)
        form.is_valid()
        record_import = record_import_confirm(
            record_import=record_import,
            keep_good_rows=form.cleaned_data.get("keep_good_rows", False),
        )
        if record_import.status != ImportStatus.IMPORTING:
            messages.warning(request, record_import.message)
        elif start_import_step(apply_record_import, record_import.pk):
            messages.info(request, "Import confirmed: the records are being stored.")
        else:
            messages.error(
                request,
                "The background service could not be reached: nothing was stored yet. "
                "Confirm again in a few minutes.",
            )
        return redirect(reverse("records:recordimport-detail", args=[record_import.pk]))


class RecordImportListView(FilteredListView):
    filterset_class = RecordImportFilterSet
    template_name = "records/recordimport_list.html"
    table = RECORD_IMPORTS

    def get_base_queryset(self):
        return record_import_queryset(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_import"] = user_scope(self.request.user).may_import
        return context
