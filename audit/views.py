"""The audit trail's page: searchable, for catalogue managers and management."""

from django.core.exceptions import PermissionDenied

from accounts.selectors import user_scope
from core.views import FilteredListView

from .filtersets import AuditEntryFilterSet
from .selectors import audit_entry_queryset
from .tables import AUDIT_ENTRIES


class AuditEntryListView(FilteredListView):
    """The audit trail, searchable: catalogue managers and management only."""

    filterset_class = AuditEntryFilterSet
    template_name = "audit/auditentry_list.html"
    table = AUDIT_ENTRIES
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_scope(request.user).reads_audit_trail:
            raise PermissionDenied("Only catalogue managers and management read the audit trail.")
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return audit_entry_queryset(user=self.request.user)
