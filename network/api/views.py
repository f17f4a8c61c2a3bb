"""GET /api/v1/designation-advisor/?client=CODE&service=CODE[&week=YYYY-Www]: the providers
of a service ranked for a client entity (DOMAIN §9), by the same selector as the page."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.selectors import user_scope
from core.api.viewsets import PortalAPIView
from core.exceptions import ApplicationError

from ..forms import AdvisorForm
from ..scoring import FACTORS, WEIGHTS, explanation
from ..selectors import Advice, designation_advice

PARAMETERS = ("client", "service", "week")


def advice_json(advice: Advice) -> dict:
    """The answer of the API (and nothing the page does not show)."""
    return {
        "client": advice.client.code,
        "service": advice.service.code,
        "week": advice.week,
        "client_week_seconds": advice.client_week_seconds,
        "weights": dict(WEIGHTS),
        "method": explanation(),
        "message": advice.message,
        "providers": [
            {
                "rank": c.position,
                "provider": c.code,
                "name": c.name,
                "designated": c.designated,
                "score": str(c.score),
                "first_month": f"{c.extra['first_month']:%Y-%m}",
                "last_month": f"{c.extra['last_month']:%Y-%m}",
                "factors": {
                    name: {
                        "score": None if f.score is None else str(f.score),
                        "weight": f.weight,
                        "points": str(f.points_shown),
                        "no_data": f.no_data,
                        "shown": f.text,
                        "note": f.note,
                        **f.figures,
                    }
                    for name in FACTORS
                    for f in (c.factors[name],)
                },
            }
            for c in advice.candidates
        ],
    }


_FACTOR = inline_serializer(
    "DesignationAdviceFactor",
    {
        "score": serializers.CharField(allow_null=True, help_text="0 to 1; null: no data."),
        "weight": serializers.IntegerField(),
        "points": serializers.CharField(help_text="weight × score (0 with no data)."),
        "no_data": serializers.BooleanField(),
        "shown": serializers.CharField(),
        "note": serializers.CharField(),
    },
)


@extend_schema(
    tags=["network"],
    parameters=[
        OpenApiParameter("client", str, required=True, description="A client entity's code."),
        OpenApiParameter("service", str, required=True, description="A catalogue service's code."),
        OpenApiParameter(
            "week",
            str,
            required=False,
            description="Reference ISO week of the working-hours overlap, YYYY-Www (default: "
            "the last complete week).",
        ),
    ],
    responses=inline_serializer(
        "DesignationAdvice",
        {
            "client": serializers.CharField(),
            "service": serializers.CharField(),
            "week": serializers.CharField(),
            "client_week_seconds": serializers.IntegerField(allow_null=True),
            "weights": serializers.DictField(child=serializers.IntegerField()),
            "method": serializers.ListField(child=serializers.CharField()),
            "message": serializers.CharField(
                help_text="Why the list is empty (no provider offers the service), else empty."
            ),
            "providers": inline_serializer(
                "DesignationAdviceProvider",
                {
                    "rank": serializers.IntegerField(),
                    "provider": serializers.CharField(),
                    "name": serializers.CharField(),
                    "designated": serializers.BooleanField(),
                    "score": serializers.CharField(help_text="Out of 100, two decimals."),
                    "first_month": serializers.CharField(),
                    "last_month": serializers.CharField(),
                    "factors": serializers.DictField(
                        child=_FACTOR,
                        help_text="attainment, satisfaction, cost, overlap and scope.",
                    ),
                },
                many=True,
            ),
        },
    ),
)
class DesignationAdvisorView(PortalAPIView):
    """Every provider offering the service, scored on standard attainment, satisfaction,
    cost-recovery rate, working-hours overlap and scope, and ranked for the client entity
    (the method is in ``method``). For catalogue managers, management and the client's own
    focal points. Parameters other than client, service and week are refused."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        scope = user_scope(request.user)
        if not scope.seeks_designation_advice:
            raise PermissionDenied(
                "The designation advisor is for catalogue managers, management and client "
                "focal points."
            )
        unknown = sorted(set(request.query_params) - set(PARAMETERS))
        if unknown:
            raise ApplicationError(
                "Unknown query parameter: only client, service and week are taken.",
                {name[:40]: ["unknown parameter"] for name in unknown},
            )
        form = AdvisorForm(request.query_params.dict())
        if not form.is_valid():
            raise ApplicationError(
                "Invalid query parameters.",
                {name: [str(e) for e in errors] for name, errors in form.errors.items()},
            )
        client = form.cleaned_data["client"]
        if not scope.may_seek_designation_advice_for(client.pk):
            raise PermissionDenied("You may ask the advisor only for your own entities.")
        advice = designation_advice(
            client=client, service=form.cleaned_data["service"], week=form.cleaned_data["week"]
        )
        return Response(advice_json(advice))
