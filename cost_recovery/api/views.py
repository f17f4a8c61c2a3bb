"""API of cost recovery: the rate card (``/api/v1/rates/``) and the statements
(``/api/v1/statements/?provider=CODE&client=CODE&period=YYYY-MM``, issued or not, and
their issue, acknowledge and dispute actions)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.permissions import ReadForMembers
from accounts.selectors import user_scope
from catalogue.models import Offering
from core.api.viewsets import PortalGenericViewSet, PortalModelViewSet
from core.exceptions import ApplicationError

from .. import services
from ..filtersets import RateFilterSet, StatementQueryForm
from ..models import Rate, Statement
from ..selectors import rate_queryset, statement_for
from .serializers import (
    RateChangeSerializer,
    RateInputSerializer,
    RateSerializer,
    StatementActionSerializer,
    StatementAnswerSerializer,
    StatementSerializer,
)


class RateCurators(ReadForMembers):
    """Any signed-in user reads the rate card; provider managers and catalogue managers
    write (each rate's provider is checked by the service)."""

    message = "Only provider managers and catalogue managers change rates."

    def may_write(self, scope) -> bool:
        return scope.curates_rates


@extend_schema(tags=["cost recovery"])
class RateViewSet(PortalModelViewSet):
    """The rate card: the rates of every offering, with their periods. Rates of one
    offering never overlap; every rate of a provider is in one currency (ISO 4217)."""

    queryset = Rate.objects.none()
    serializer_class = RateSerializer
    filterset_class = RateFilterSet
    permission_classes = [RateCurators]

    def get_queryset(self):
        return rate_queryset().order_by(
            "offering__provider__code", "offering__service__code", "valid_from"
        )

    def _answer(self, rate, code=status.HTTP_200_OK):
        rate = self.get_queryset().get(pk=rate.pk)
        return Response(RateSerializer(rate, context={"request": self.request}).data, status=code)

    @extend_schema(request=RateInputSerializer, responses={201: RateSerializer})
    def create(self, request, *args, **kwargs):
        data = RateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        provider, service = values.pop("provider"), values.pop("service")
        offering = Offering.objects.filter(provider=provider, service=service).first()
        if offering is None:
            raise ApplicationError(
                f"{provider.code} does not offer {service.code}: a rate belongs to an offering.",
                {"service": [f"not offered by {provider.code}"]},
            )
        rate = services.rate_create(user=request.user, offering=offering, **values)
        return self._answer(rate, status.HTTP_201_CREATED)

    @extend_schema(request=RateChangeSerializer, responses=RateSerializer)
    def update(self, request, *args, **kwargs):
        rate = self.get_object()
        services.require_rate_curator(request.user, rate.offering.provider_id)
        data = RateChangeSerializer(data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        rate = services.rate_update(user=request.user, rate=rate, changes=data.validated_data)
        return self._answer(rate)

    @extend_schema(request=RateChangeSerializer, responses=RateSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.rate_delete(user=request.user, rate=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


STATEMENT_PARAMETERS = [
    OpenApiParameter("provider", str, required=True, description="provider code"),
    OpenApiParameter("client", str, required=True, description="client entity code"),
    OpenApiParameter("period", str, required=True, description="the month, YYYY-MM"),
]


def _which(data, *, user):
    """(provider, client, month) named by ``data``, refused with 400 when malformed and
    404 when the user may not read that statement."""
    form = StatementQueryForm(data)
    if not form.is_valid():
        raise ApplicationError(
            "Name the statement: provider and client codes, and the month (YYYY-MM).",
            {k: [str(m) for m in v] for k, v in form.errors.items()},
        )
    provider, client = form.cleaned_data["provider"], form.cleaned_data["client"]
    if not user_scope(user).sees_statements_of(provider_id=provider.pk, client_id=client.pk):
        raise _NotFound()
    month = form.cleaned_data["period"]
    services.check_period(provider, month)
    return provider, client, month


class _NotFound(ApplicationError):
    status_code = 404

    def __init__(self):
        super().__init__("No such statement.")


@extend_schema(tags=["cost recovery"])
class StatementViewSet(PortalGenericViewSet, mixins.ListModelMixin):
    """What a client entity owes a provider for a month: one line per service
    and rate, adjustment lines for months issued before, the total; a draft until the
    provider's manager issues it, then frozen."""

    permission_classes = [IsAuthenticated]
    serializer_class = StatementSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(parameters=STATEMENT_PARAMETERS, responses=StatementSerializer)
    def list(self, request, *args, **kwargs):
        """The statement named by ``provider``, ``client`` and ``period``, issued or not
        (``status`` ``draft`` until issued)."""
        provider, client, month = _which(request.query_params, user=request.user)
        view = statement_for(provider=provider, client=client, month=month)
        return Response(StatementSerializer(view).data)

    def _answer(self, provider, client, month):
        view = statement_for(provider=provider, client=client, month=month)
        return Response(StatementSerializer(view).data)

    @extend_schema(request=StatementActionSerializer, responses=StatementSerializer)
    @action(detail=False, methods=["post"])
    def issue(self, request):
        """Issue the draft (the provider's managers, once the month is over): its lines are
        frozen; the client's focal points are told."""
        if not user_scope(request.user).managed_provider_ids:
            raise services.CostRecoveryPermissionDenied("Only provider managers issue statements.")
        data = StatementActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        provider, client, month = _which(data.validated_data, user=request.user)
        services.statement_issue(user=request.user, provider=provider, client=client, month=month)
        return self._answer(provider, client, month)

    def _respond(self, request, service):
        if not user_scope(request.user).focal_point_client_ids:
            raise services.CostRecoveryPermissionDenied(
                "Only client focal points acknowledge or dispute statements."
            )
        data = StatementAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        provider, client, month = _which(data.validated_data, user=request.user)
        statement = Statement.objects.filter(provider=provider, client=client, month=month).first()
        if statement is None:
            raise ApplicationError(
                "This statement has not been issued yet.", {"period": ["not issued"]}
            )
        service(
            user=request.user, statement=statement, comment=data.validated_data.get("comment", "")
        )
        return self._answer(provider, client, month)

    @extend_schema(request=StatementAnswerSerializer, responses=StatementSerializer)
    @action(detail=False, methods=["post"])
    def acknowledge(self, request):
        """Acknowledge an issued statement (the client's focal points; comment optional)."""
        return self._respond(request, services.statement_acknowledge)

    @extend_schema(request=StatementAnswerSerializer, responses=StatementSerializer)
    @action(detail=False, methods=["post"])
    def dispute(self, request):
        """Dispute an issued statement, saying why in ``comment`` (the client's focal
        points). The statement stays as issued; corrections go on the next one."""
        return self._respond(request, services.statement_dispute)
