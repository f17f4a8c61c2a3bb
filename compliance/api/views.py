"""API for compliance results, their summary, and asking for a computation."""

import datetime as dt

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.selectors import user_scope
from core.api.serializers import CodeRelatedField, InputSerializer
from core.api.viewsets import PortalReadOnlyModelViewSet
from core.exceptions import ApplicationError
from providers.models import ServiceProvider

from ..choices import MIN_ANSWERS_SHOWN, ComplianceStatus
from ..engine import shards_to_compute
from ..filtersets import ComplianceResultFilterSet
from ..models import WITHHELD_NOTE, ComplianceResult
from ..selectors import (
    GROUPS,
    compliance_queryset,
    compliance_summary,
    last_computed_at,
    records_url,
)

WITHHELD_HELP = (
    "Survey anonymity: true for satisfaction figures from 1 to "
    f"{MIN_ANSWERS_SHOWN - 1} answers ({WITHHELD_NOTE}); eligible, met, attainment and "
    "status are then null."
)


class ComplianceResultSerializer(serializers.ModelSerializer):
    """One result of one month: what was measured (a minimum service standard, or an SLA's
    target) for which provider, client and service; how many records were eligible, how
    many met the target, the attainment (met / eligible) and whether the target was met."""

    provider = CodeRelatedField(read_only=True)
    client = CodeRelatedField(read_only=True, allow_null=True)
    service = CodeRelatedField(read_only=True)
    measure = serializers.CharField(source="standard.code")
    sla = serializers.IntegerField(source="sla_id", allow_null=True)
    sla_number = serializers.SerializerMethodField()
    period = serializers.SerializerMethodField()
    eligible = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=f"null when figures_withheld. {WITHHELD_HELP}"
    )
    met = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="null when figures_withheld."
    )
    attainment = serializers.DecimalField(
        max_digits=6,
        decimal_places=4,
        read_only=True,
        allow_null=True,
        help_text="met / eligible; null when nothing was eligible or figures_withheld.",
    )
    status = serializers.ChoiceField(
        choices=ComplianceStatus.choices,
        read_only=True,
        allow_null=True,
        help_text="null when figures_withheld.",
    )
    figures_withheld = serializers.BooleanField(read_only=True, help_text=WITHHELD_HELP)
    records = serializers.SerializerMethodField()

    class Meta:
        model = ComplianceResult
        fields = [
            "id",
            "scope",
            "provider",
            "client",
            "service",
            "measure",
            "sla",
            "sla_number",
            "period",
            "kind",
            "threshold",
            "clock",
            "target_pct",
            "eligible",
            "met",
            "attainment",
            "status",
            "figures_withheld",
            "provisional",
            "overdue_open",
            "computed_at",
            "records",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.figures_withheld:
            data.update(eligible=None, met=None, attainment=None, status=None)
        return data

    def get_period(self, obj) -> str:
        return f"{obj.period:%Y-%m}"

    def get_sla_number(self, obj) -> str | None:
        return obj.sla.agreement.number if obj.sla_id else None

    def get_records(self, obj) -> str:
        """The records page filtered to the records behind this figure."""
        return records_url(obj)


class ComputeSerializer(InputSerializer):
    period = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", required=False)
    provider = CodeRelatedField(queryset=ServiceProvider.objects.all(), required=False)


@extend_schema(tags=["compliance"])
class ComplianceResultViewSet(PortalReadOnlyModelViewSet):
    """Compliance per month with each minimum service standard and each SLA target."""

    queryset = ComplianceResult.objects.none()
    serializer_class = ComplianceResultSerializer
    filterset_class = ComplianceResultFilterSet
    permission_classes = [IsAuthenticated]
    filtered_actions = ("summary",)

    def get_queryset(self):
        return compliance_queryset(user=self.request.user).order_by("-period", "key")

    @extend_schema(
        parameters=[
            OpenApiParameter("group_by", str, enum=sorted(GROUPS), description="default: provider")
        ],
        responses=inline_serializer(
            "ComplianceSummary",
            {
                "group_by": serializers.CharField(),
                "last_computed_at": serializers.DateTimeField(allow_null=True),
                "groups": inline_serializer(
                    "ComplianceGroup",
                    {
                        "code": serializers.CharField(),
                        "name": serializers.CharField(),
                        "results": serializers.IntegerField(),
                        "eligible": serializers.IntegerField(allow_null=True),
                        "met": serializers.IntegerField(allow_null=True),
                        "attainment": serializers.DecimalField(
                            max_digits=6, decimal_places=4, allow_null=True
                        ),
                        "breached": serializers.IntegerField(allow_null=True),
                        "figures_withheld": serializers.BooleanField(
                            help_text=WITHHELD_HELP.replace("status", "breached")
                        ),
                        "overdue_open": serializers.IntegerField(),
                        "provisional": serializers.BooleanField(
                            help_text="true when a result of a month not over yet in its "
                            "provider's time zone is among them: the figures will change."
                        ),
                    },
                    many=True,
                ),
            },
        ),
    )
    @action(detail=False, methods=["get"])
    def summary(self, request):
        """Results grouped by provider, client, service, area or standard, with the same
        filters as the list."""
        group_by = request.query_params.get("group_by", "provider")
        if group_by not in GROUPS:
            raise ApplicationError(
                f"group_by must be one of {', '.join(sorted(GROUPS))}.",
                {"group_by": ["unknown grouping"]},
            )
        results = self.filter_queryset(self.get_queryset())
        rows = compliance_summary(results=results, group_by=group_by)
        scope = user_scope(request.user)
        return Response(
            {
                "group_by": group_by,
                "last_computed_at": last_computed_at(provider_ids=scope.followed_provider_ids),
                "groups": [
                    {
                        "code": r.code,
                        "name": r.name,
                        "results": r.results,
                        "eligible": None if r.figures_withheld else r.eligible,
                        "met": None if r.figures_withheld else r.met,
                        "attainment": None if r.figures_withheld else r.attainment,
                        "breached": None if r.figures_withheld else r.breached,
                        "figures_withheld": r.figures_withheld,
                        "overdue_open": r.overdue_open,
                        "provisional": r.provisional,
                    }
                    for r in rows
                ],
            }
        )

    @extend_schema(
        request=ComputeSerializer,
        responses={
            202: inline_serializer("ComputeAccepted", {"enqueued": serializers.IntegerField()})
        },
    )
    @action(detail=False, methods=["post"])
    def compute(self, request):
        """Enqueue a computation: the pending months, or a month and/or a provider.
        Catalogue managers, management, and provider managers for their own provider."""
        from ..tasks import enqueue_shards

        data = ComputeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scope = user_scope(request.user)
        provider = data.validated_data.get("provider")
        if not scope.may_compute_for(provider.pk if provider else None):
            return Response(
                {
                    "message": "Only management, catalogue managers and provider managers "
                    "(for their provider) ask for a computation.",
                    "errors": {},
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        period = data.validated_data.get("period")
        provider_ids = (
            [provider.pk]
            if provider
            else (None if scope.sees_everything else scope.managed_provider_ids)
        )
        shards = shards_to_compute(
            period=dt.date.fromisoformat(f"{period}-01") if period else None,
            provider_ids=provider_ids,
        )
        shards = [s for s in shards if scope.may_compute_for(s[0])]
        return Response(
            {"enqueued": enqueue_shards(shards, "api")}, status=status.HTTP_202_ACCEPTED
        )
