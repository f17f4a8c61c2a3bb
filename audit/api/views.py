"""API for the audit trail: read-only, for catalogue managers and management."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission

from accounts.selectors import user_scope
from core.api.viewsets import PortalReadOnlyModelViewSet
from core.models import AuditEntry

from ..filtersets import AuditEntryFilterSet
from ..selectors import audit_entry_queryset


class ReadsEverything(BasePermission):
    """Catalogue managers and management (the roles that read across organisations)."""

    message = "Only catalogue managers and management read the audit trail."

    def has_permission(self, request, view) -> bool:
        return user_scope(request.user).reads_audit_trail


class AuditEntrySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="audit-api:auditentry-detail")
    changes = serializers.JSONField(
        read_only=True, help_text="Changed fields: {field: [old, new]}; counts for actions."
    )

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "url",
            "at",
            "actor",
            "actor_label",
            "channel",
            "kind",
            "action",
            "model",
            "object_id",
            "object_repr",
            "changes",
            "run_id",
            "path",
        ]
        read_only_fields = fields


@extend_schema(tags=["audit"])
class AuditEntryViewSet(PortalReadOnlyModelViewSet):
    """Every write to the portal: who, when, through what, to which object, what changed.
    Filter by ``actor`` (username or ``system``), ``model``, ``object_id``, ``kind``,
    ``channel``, ``run_id``, ``since``/``until`` (dates) and ``q`` (keywords)."""

    queryset = AuditEntry.objects.none()
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilterSet
    permission_classes = [ReadsEverything]

    def get_queryset(self):
        return audit_entry_queryset(user=self.request.user)
