"""API of the survey: campaigns (catalogue managers create, open and close them), the
caller's own answers, and the anonymous results with their CSV/XLSX export."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from catalogue.models import Offering
from clients.models import ClientEntity
from core.api.serializers import NoInputSerializer
from core.api.viewsets import PortalGenericViewSet
from core.exceptions import ApplicationError

from .. import services
from ..exports import results_file
from ..filtersets import AnswerFilterSet, CampaignFilterSet, ResultFilterForm
from ..models import Answer, Campaign
from ..selectors import answer_queryset, campaign_detail, campaign_queryset
from .serializers import (
    AnswerChangeSerializer,
    AnswerInputSerializer,
    AnswerSerializer,
    CampaignCreateSerializer,
    CampaignSerializer,
    ResultCellSerializer,
)


@extend_schema(tags=["surveys"])
class CampaignViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    PortalGenericViewSet,
):
    """Survey campaigns the caller may see; catalogue managers create, open and close them."""

    queryset = Campaign.objects.none()
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilterSet
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return campaign_queryset(user=self.request.user).prefetch_related(
            "clients", "offerings__provider", "offerings__service"
        )

    @extend_schema(request=CampaignCreateSerializer, responses={201: CampaignSerializer})
    def create(self, request, *args, **kwargs):
        # Refuse before reading the payload: a 400 would tell others it was nearly right.
        services.require_curator(request.user)
        data = CampaignCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = services.campaign_create(user=request.user, **data.validated_data)
        campaign = self.get_queryset().get(pk=campaign.pk)
        return Response(
            CampaignSerializer(campaign, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    def _act(self, request, service):
        campaign = self.get_object()
        NoInputSerializer(data=request.data).is_valid(raise_exception=True)
        service(campaign=campaign, user=request.user)
        campaign = self.get_queryset().get(pk=campaign.pk)
        return Response(CampaignSerializer(campaign, context={"request": request}).data)

    @extend_schema(request=None, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        """Open a draft and invite the focal points of the invited entities."""
        return self._act(request, services.campaign_open)

    @extend_schema(request=None, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close an open campaign; its answers become final and compliance is recomputed."""
        return self._act(request, services.campaign_close)


@extend_schema(tags=["surveys"])
class AnswerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    PortalGenericViewSet,
):
    """The caller's own answers (nobody else's). Posting a second answer about the same
    provider and service in a campaign changes the first; answers can be changed until
    the campaign closes."""

    queryset = Answer.objects.none()
    serializer_class = AnswerSerializer
    filterset_class = AnswerFilterSet
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_queryset(self):
        return answer_queryset(user=self.request.user).order_by("-updated_at", "-id")

    @extend_schema(request=AnswerInputSerializer, responses={201: AnswerSerializer})
    def create(self, request, *args, **kwargs):
        data = AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            campaign = campaign_detail(user=request.user, pk=values["campaign"])
        except Campaign.DoesNotExist:
            raise ApplicationError(
                "No such campaign open to you.", {"campaign": ["not found"]}
            ) from None
        offering = (
            Offering.objects.select_related("provider__duty_station")
            .filter(provider__code=values["provider"], service__code=values["service"])
            .first()
        )
        if offering is None:
            raise ApplicationError(
                "This provider does not offer this service.",
                {"service": ["not offered by this provider"]},
            )
        client = None
        if values.get("client"):
            client = ClientEntity.objects.filter(code=values["client"]).first()
            if client is None:
                raise ApplicationError("No such client entity.", {"client": ["not found"]})
        answer = services.answer_submit(
            user=request.user,
            campaign=campaign,
            offering=offering,
            client=client,
            data=services.AnswerInput(**{k: values.get(k, "") for k in _INPUT_FIELDS}),
        )
        return Response(
            AnswerSerializer(
                self.get_queryset().get(pk=answer.pk), context={"request": request}
            ).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=AnswerChangeSerializer, responses=AnswerSerializer)
    def update(self, request, *args, **kwargs):
        answer = self.get_object()
        data = AnswerChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        offering = get_object_or_404(
            Offering.objects.select_related("provider__duty_station"),
            provider_id=answer.provider_id,
            service_id=answer.service_id,
        )
        services.answer_submit(
            user=request.user,
            campaign=answer.campaign,
            offering=offering,
            client=answer.client,
            data=services.AnswerInput(**{k: data.validated_data.get(k, "") for k in _INPUT_FIELDS}),
        )
        return Response(
            AnswerSerializer(
                self.get_queryset().get(pk=answer.pk), context={"request": request}
            ).data
        )


_INPUT_FIELDS = ("overall", "timeliness", "quality", "communication", "ease_of_access", "comment")

RESULT_PARAMETERS = [
    OpenApiParameter("campaign", int, description="campaign id"),
    OpenApiParameter("provider", str, description="provider code"),
    OpenApiParameter("service", str, description="service code"),
    OpenApiParameter("period", str, description="YYYY-MM: campaigns running in that month"),
]


def _filtered_results(request):
    form = ResultFilterForm(request.query_params)
    if not form.is_valid():
        raise ApplicationError(
            "Invalid filter.", {k: [str(m) for m in v] for k, v in form.errors.items()}
        )
    return form.results(user=request.user)


@extend_schema(tags=["surveys"])
class ResultViewSet(PortalGenericViewSet):
    """Anonymous survey results per campaign, provider and service: response rate, mean
    scores, share satisfied (overall 4 or 5). A cell with fewer than 5 answers shows no
    figure; providers see only their own; comments come without their author."""

    permission_classes = [IsAuthenticated]

    serializer_class = ResultCellSerializer
    filter_backends = []

    @extend_schema(parameters=RESULT_PARAMETERS, responses=ResultCellSerializer(many=True))
    def list(self, request):
        """Paginated like every list; the cells are computed in one pass, then paged."""
        page = self.paginate_queryset(_filtered_results(request))
        return self.get_paginated_response(ResultCellSerializer(page, many=True).data)

    @extend_schema(
        parameters=[
            *RESULT_PARAMETERS,
            OpenApiParameter("file", str, enum=["csv", "xlsx"], description="default: csv"),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): (
                OpenApiResponse(OpenApiTypes.BINARY)
            ),
        },
    )
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The same results as a CSV or XLSX file."""
        kind = request.query_params.get("file", "csv")
        if kind not in ("csv", "xlsx"):
            raise ApplicationError("file must be csv or xlsx.", {"file": ["unknown format"]})
        return results_file(_filtered_results(request), kind)
