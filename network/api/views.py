"""The support network's API (DOMAIN §9), each answer from the same selector as its page:

- GET /api/v1/designation-advisor/?client=CODE&service=CODE[&week=YYYY-Www]: the providers
  of a service ranked for a client entity;
- GET /api/v1/network-map/[?area=CODE][&on=YYYY-MM-DD]: providers, client entities and the
  designations in force, each provider's attainment as the caller's scope allows."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.selectors import user_scope
from catalogue.choices import OfferingScope
from core.api.viewsets import PortalAPIView
from core.exceptions import ApplicationError

from ..forms import AdvisorForm, MapForm
from ..scoring import FACTORS, WEIGHTS, explanation
from ..selectors import (
    BANDS,
    NO_DATA_BAND,
    NOT_SHOWN_BAND,
    Advice,
    NetworkMap,
    Point,
    designation_advice,
    network_map,
)

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


# --------------------------------------------------------------------------------------
# The network map
# --------------------------------------------------------------------------------------


def _located(point: Point) -> dict:
    location = point.location
    return {
        "code": point.code,
        "name": point.name,
        "duty_station": point.station.code if point.station else None,
        "latitude": str(location.latitude) if location else None,
        "longitude": str(location.longitude) if location else None,
    }


def map_json(network: NetworkMap) -> dict:
    """The answer of the API: what the map page draws and tabulates, nothing more."""
    return {
        "on": network.on.isoformat(),
        "area": network.area.code if network.area else None,
        "providers": [
            {
                **_located(p),
                "scope": p.scope or None,
                "countries": list(p.countries),
                "period": f"{p.month:%Y-%m}",
                "attainment_shown": p.shown,
                "eligible": p.eligible if p.shown else None,
                "met": p.met if p.shown else None,
                "attainment": None if p.attainment is None else str(p.attainment),
                "provisional": p.provisional if p.shown else None,
                "band": p.band,
            }
            for p in network.providers
        ],
        "clients": [_located(c) for c in network.clients],
        "designations": [
            {
                "client": d.client.code,
                "provider": d.provider.code,
                "service": d.service.code if d.service else None,
                "area": d.area.code if d.area else None,
                "valid_from": d.valid_from.isoformat(),
                "valid_to": d.valid_to.isoformat() if d.valid_to else None,
            }
            for d in network.designations
        ],
    }


_BANDS_HELP = "; ".join(
    f"{name}: {label}" for name, _floor, label in (*BANDS, NO_DATA_BAND, NOT_SHOWN_BAND)
)
_PLACE = {
    "code": serializers.CharField(),
    "name": serializers.CharField(),
    "duty_station": serializers.CharField(allow_null=True, help_text="Its duty station's code."),
    "latitude": serializers.DecimalField(
        max_digits=8,
        decimal_places=5,
        allow_null=True,
        help_text="WGS 84 degrees; null when the duty station's location is not known.",
    ),
    "longitude": serializers.DecimalField(max_digits=8, decimal_places=5, allow_null=True),
}


@extend_schema(
    tags=["network"],
    parameters=[
        OpenApiParameter(
            "area",
            str,
            required=False,
            description="A functional area's code: only its "
            "providers (offering one of its services or designated for it), designations "
            "and attainment. Default: every area.",
        ),
        OpenApiParameter(
            "on",
            OpenApiTypes.DATE,
            required=False,
            description="The day whose designations "
            "in force are drawn, YYYY-MM-DD (1990 to 2100; default: today). Attainment is "
            "that of the last month complete on that day.",
        ),
    ],
    responses=inline_serializer(
        "NetworkMap",
        {
            "on": serializers.DateField(),
            "area": serializers.CharField(allow_null=True),
            "providers": inline_serializer(
                "NetworkMapProvider",
                {
                    **_PLACE,
                    "scope": serializers.ChoiceField(
                        choices=OfferingScope.choices,
                        allow_null=True,
                        help_text="The widest scope of its offerings (of the area, when "
                        "filtered); null when it offers none.",
                    ),
                    "countries": serializers.ListField(
                        child=serializers.CharField(),
                        help_text="The countries its offerings of that scope serve (none "
                        "for global).",
                    ),
                    "period": serializers.CharField(
                        help_text="The month of the attainment, YYYY-MM: the last complete "
                        "month in the provider's time zone."
                    ),
                    "attainment_shown": serializers.BooleanField(
                        help_text="false when the caller may not see this provider's figures "
                        "(they are shown to its own people, the client entities it is "
                        "designated to serve and the central roles): the figures are then "
                        "null."
                    ),
                    "eligible": serializers.IntegerField(allow_null=True),
                    "met": serializers.IntegerField(allow_null=True),
                    "attainment": serializers.DecimalField(
                        max_digits=6,
                        decimal_places=4,
                        allow_null=True,
                        help_text="met ÷ eligible of its timeliness and accuracy standards "
                        "that month; null with no eligible record, or not shown.",
                    ),
                    "provisional": serializers.BooleanField(
                        allow_null=True,
                        help_text="true when a result behind the figure is still "
                        "provisional: it will change.",
                    ),
                    "band": serializers.CharField(help_text=f"The map's colour: {_BANDS_HELP}."),
                },
                many=True,
            ),
            "clients": inline_serializer("NetworkMapClient", _PLACE, many=True),
            "designations": inline_serializer(
                "NetworkMapDesignation",
                {
                    "client": serializers.CharField(),
                    "provider": serializers.CharField(),
                    "service": serializers.CharField(
                        allow_null=True, help_text="null for a whole area."
                    ),
                    "area": serializers.CharField(
                        allow_null=True, help_text="null for a single service."
                    ),
                    "valid_from": serializers.DateField(),
                    "valid_to": serializers.DateField(allow_null=True),
                },
                many=True,
            ),
        },
    ),
)
class NetworkMapView(PortalAPIView):
    """The support network as the map draws it: providers (duty station, coordinates,
    scope, attainment of the minimum service standards in their last complete month),
    the client entities they are designated to serve, and the approved designations in
    force, for every signed-in caller; a provider's attainment only where the caller may
    see its figures. Parameters other than area and on are refused."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        if not user_scope(request.user).reads_network_map:
            raise PermissionDenied("The network map is for signed-in users.")
        # Parameters other than these (and format) are refused before: PortalAPIView.
        form = MapForm(request.query_params.dict())
        if not form.is_valid():
            raise ApplicationError(
                "Invalid query parameters.",
                {name: [str(e) for e in errors] for name, errors in form.errors.items()},
            )
        network = network_map(
            user=request.user, area=form.cleaned_data["area"], on=form.cleaned_data["on"]
        )
        return Response(map_json(network))
