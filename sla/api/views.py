"""API for SLAs: drafts, life-cycle actions and the rendered agreement."""

from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from catalogue.models import Offering
from clients.models import ClientEntity
from core.api.keys import is_id
from core.api.serializers import CodeRelatedField, InputSerializer, NoInputSerializer
from core.api.viewsets import PortalGenericViewSet
from core.currencies import rate_text
from core.exceptions import ApplicationError
from providers.models import ServiceProvider

from .. import services
from ..filtersets import SlaFilterSet
from ..models import ServiceLevelTarget, Sla, SlaLine
from ..selectors import agreement_sections, sla_detail, sla_queryset


class TargetSerializer(serializers.ModelSerializer):
    standard = serializers.CharField(source="standard.code")
    statement = serializers.CharField(read_only=True)

    class Meta:
        model = ServiceLevelTarget
        fields = ["id", "standard", "kind", "threshold", "clock", "target_pct", "statement"]


class LineSerializer(serializers.ModelSerializer):
    service = CodeRelatedField(source="offering.service", read_only=True)
    targets = TargetSerializer(many=True, read_only=True)
    cost_recovery_rate = serializers.SerializerMethodField(
        help_text="The rate card's rate when the agreement was registered, as a decimal "
        "string with the currency's decimals."
    )

    class Meta:
        model = SlaLine
        fields = [
            "id",
            "service",
            "expected_volume",
            "cost_recovery_rate",
            "currency",
            "rate_unit",
            "targets",
        ]

    def get_cost_recovery_rate(self, line) -> str:
        return rate_text(line.cost_recovery_rate, line.currency)


class SlaSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="sla-api:sla-detail")
    number = serializers.CharField(source="agreement.number", read_only=True)
    provider = CodeRelatedField(source="agreement.provider", read_only=True)
    client = CodeRelatedField(source="agreement.client", read_only=True)
    template_version = serializers.IntegerField(source="template.version", read_only=True)
    lines = LineSerializer(many=True, read_only=True)
    client_signed_by = serializers.StringRelatedField()
    provider_signed_by = serializers.StringRelatedField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Sla
        fields = [
            "id",
            "url",
            "number",
            "version",
            "status",
            "provider",
            "client",
            "start_date",
            "end_date",
            "notes",
            "template_version",
            "lines",
            "client_signed_by",
            "client_signed_at",
            "provider_signed_by",
            "provider_signed_at",
            "approved_at",
            "return_comment",
            "termination_date",
            "termination_reason",
            "supersedes",
            "allowed_actions",
        ]
        read_only_fields = fields

    def get_allowed_actions(self, obj) -> list[str]:
        request = self.context.get("request")
        if request is None:
            return []
        return sorted(services.allowed_actions(sla=obj, user=request.user))


class SlaListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="sla-api:sla-detail")
    number = serializers.CharField(source="agreement.number", read_only=True)
    provider = CodeRelatedField(source="agreement.provider", read_only=True)
    client = CodeRelatedField(source="agreement.client", read_only=True)
    line_count = serializers.IntegerField()

    class Meta:
        model = Sla
        fields = [
            "id",
            "url",
            "number",
            "version",
            "status",
            "provider",
            "client",
            "start_date",
            "end_date",
            "line_count",
        ]
        read_only_fields = fields


class TargetInputSerializer(InputSerializer):
    read_serializer = TargetSerializer
    standard = serializers.CharField(max_length=32)
    threshold = serializers.DecimalField(
        max_digits=8, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    clock = serializers.CharField(max_length=16, required=False, allow_blank=True)
    target_pct = serializers.DecimalField(
        max_digits=6, decimal_places=3, required=False, min_value=0, max_value=100
    )


class LineInputSerializer(InputSerializer):
    read_serializer = LineSerializer
    service = serializers.CharField(max_length=32)
    expected_volume = serializers.IntegerField(min_value=0, max_value=10**9)
    targets = TargetInputSerializer(many=True, required=False)


class SlaWriteSerializer(InputSerializer):
    """A draft: the client entity, the period and the lines (services from the provider's
    own offerings, with targets that may be stricter than the standards)."""

    read_serializer = SlaSerializer
    provider = CodeRelatedField(queryset=ServiceProvider.objects.all())
    client = CodeRelatedField(queryset=ClientEntity.objects.all())
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    notes = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    lines = LineInputSerializer(many=True, min_length=1, max_length=200)

    def to_line_inputs(self, provider, lines: list[dict]) -> list[services.LineInput]:
        offerings = {
            o.service.code: o
            for o in Offering.objects.filter(provider=provider)
            .select_related("service")
            .prefetch_related("service__standards")
        }
        result = []
        for index, line in enumerate(lines):
            offering = offerings.get(line["service"])
            if offering is None:
                raise ApplicationError(
                    f"lines[{index}]: {provider.code} does not offer '{line['service'][:40]}'.",
                    {"lines": [f"{line['service'][:40]}: not offered by {provider.code}"]},
                )
            targets = None
            if "targets" in line:
                targets = services.target_inputs(offering=offering, raw=line["targets"])
            result.append(
                services.LineInput(
                    offering=offering,
                    expected_volume=line["expected_volume"],
                    targets=targets,
                )
            )
        return result


class SlaUpdateSerializer(SlaWriteSerializer):
    """A change to a draft. ``provider`` and ``client`` identify the agreement: a body may
    repeat them (the whole SLA as read, or as created), but not change them."""

    provider = CodeRelatedField(
        queryset=ServiceProvider.objects.all(), required=False, help_text="cannot change"
    )
    client = CodeRelatedField(
        queryset=ClientEntity.objects.all(), required=False, help_text="cannot change"
    )
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False)
    lines = LineInputSerializer(many=True, min_length=1, max_length=200, required=False)


class ReturnSerializer(InputSerializer):
    read_serializer = SlaSerializer
    comment = serializers.CharField(max_length=4000)


class TerminateSerializer(InputSerializer):
    read_serializer = SlaSerializer
    reason = serializers.CharField(max_length=4000)
    termination_date = serializers.DateField(required=False)


@extend_schema(tags=["SLAs"])
class SlaViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    PortalGenericViewSet,
):
    """SLAs registered from the common template. Drafts are created and edited by the
    provider's staff; the life cycle moves through the actions: submit, approve (each
    side signs), return, terminate, amend."""

    queryset = Sla.objects.none()
    permission_classes = [IsAuthenticated]
    filterset_class = SlaFilterSet
    natural_key = "agreement__number"
    natural_key_help = (
        "The SLA's id (digits only: that version) or its number "
        "(SLA-UNON-UNEP-2026-001: the agreement's latest version you may see)."
    )

    def get_queryset(self):
        return sla_queryset(user=self.request.user).order_by("agreement__number", "-version")

    def get_object(self):
        """By id (one version), or by number: the agreement's latest version."""
        key = str(self.kwargs["pk"])
        try:
            if is_id(key):
                return sla_detail(user=self.request.user, pk=int(key))
            latest = (
                self.get_queryset()
                .filter(agreement__number=key)
                .order_by("-version")
                .values_list("pk", flat=True)
                .first()
            )
            if latest is None:
                raise Sla.DoesNotExist
            return sla_detail(user=self.request.user, pk=latest)
        except Sla.DoesNotExist:
            raise Http404("No such SLA.") from None

    def get_serializer_class(self):
        if self.action == "list":
            return SlaListSerializer
        return SlaSerializer

    def _reply(self, sla: Sla, code=status.HTTP_200_OK) -> Response:
        sla = sla_detail(user=self.request.user, pk=sla.pk)
        return Response(SlaSerializer(sla, context={"request": self.request}).data, status=code)

    @extend_schema(request=SlaWriteSerializer, responses={201: SlaSerializer})
    def create(self, request, *args, **kwargs):
        data = SlaWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        with transaction.atomic():
            sla = services.sla_create(
                user=request.user,
                provider=values["provider"],
                client=values["client"],
                start_date=values["start_date"],
                end_date=values["end_date"],
                notes=values.get("notes", ""),
                lines=data.to_line_inputs(values["provider"], values["lines"]),
            )
        return self._reply(sla, status.HTTP_201_CREATED)

    @extend_schema(request=SlaUpdateSerializer, responses=SlaSerializer)
    def update(self, request, *args, **kwargs):
        sla = self.get_object()
        data = SlaUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        values = data.validated_data
        agreement = sla.agreement
        for key, current in (("provider", agreement.provider), ("client", agreement.client)):
            if key in values and values[key] != current:
                raise ApplicationError(
                    f"{key} identifies the agreement ({current.code}) and cannot change; "
                    "register a new SLA instead.",
                    {key: ["cannot change"]},
                )
        lines = None
        if "lines" in values:
            lines = data.to_line_inputs(sla.agreement.provider, values["lines"])
        sla = services.sla_update_draft(
            sla=sla,
            user=request.user,
            start_date=values.get("start_date"),
            end_date=values.get("end_date"),
            notes=values.get("notes"),
            lines=lines,
        )
        return self._reply(sla)

    @extend_schema(request=SlaUpdateSerializer, responses=SlaSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=None, responses=SlaSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        sla = self.get_object()
        NoInputSerializer(data=request.data).is_valid(raise_exception=True)
        return self._reply(services.sla_submit(sla=sla, user=request.user))

    @extend_schema(request=None, responses=SlaSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Sign for your side (client focal point or provider manager)."""
        sla = self.get_object()
        NoInputSerializer(data=request.data).is_valid(raise_exception=True)
        return self._reply(services.sla_approve(sla=sla, user=request.user))

    @extend_schema(request=ReturnSerializer, responses=SlaSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_draft(self, request, pk=None):
        data = ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._reply(
            services.sla_return(
                sla=self.get_object(), user=request.user, comment=data.validated_data["comment"]
            )
        )

    @extend_schema(request=TerminateSerializer, responses=SlaSerializer)
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        data = TerminateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._reply(
            services.sla_terminate(
                sla=self.get_object(),
                user=request.user,
                reason=data.validated_data["reason"],
                termination_date=data.validated_data.get("termination_date"),
            )
        )

    @extend_schema(request=None, responses={201: SlaSerializer})
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        """Start the next version as a draft; it supersedes this one once approved."""
        sla = self.get_object()
        NoInputSerializer(data=request.data).is_valid(raise_exception=True)
        amendment = services.sla_amend(sla=sla, user=request.user)
        return self._reply(amendment, status.HTTP_201_CREATED)

    @extend_schema(
        responses=inline_serializer(
            "RenderedAgreement",
            {
                "number": serializers.CharField(),
                "version": serializers.IntegerField(),
                "sections": inline_serializer(
                    "AgreementSection",
                    {"title": serializers.CharField(), "text": serializers.CharField()},
                    many=True,
                ),
            },
        )
    )
    @action(detail=True, methods=["get"])
    def agreement(self, request, pk=None):
        """The agreement rendered from its template version, section by section."""
        sla = self.get_object()
        return Response(
            {
                "number": sla.agreement.number,
                "version": sla.version,
                "sections": [
                    {"title": s.title, "text": s.text} for s in agreement_sections(sla=sla)
                ],
            }
        )
