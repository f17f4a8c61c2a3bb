"""GET /api/v1/calendar-overlap/: how long two duty stations work at the same time in an
ISO week, computed from their work calendars by the clock."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.clock import ClockError, iso_week_bounds, working_overlap_seconds
from core.selectors import duty_station_queryset

from .serializers import CodeRelatedField
from .viewsets import PortalAPIView


class OverlapQuery(serializers.Serializer):
    a = CodeRelatedField(queryset=duty_station_queryset(), help_text="A duty station's code.")
    b = CodeRelatedField(queryset=duty_station_queryset(), help_text="Another duty station's code.")
    week = serializers.CharField(max_length=8, help_text="An ISO week, YYYY-Www (2026-W10).")

    def validate_week(self, value: str) -> str:
        try:
            iso_week_bounds(value)
        except ClockError as exc:
            raise serializers.ValidationError(str(exc).removeprefix("week: ")) from None
        return value


@extend_schema(
    tags=["duty-stations"],
    parameters=[
        OpenApiParameter("a", str, required=True, description="A duty station's code."),
        OpenApiParameter("b", str, required=True, description="Another duty station's code."),
        OpenApiParameter("week", str, required=True, description="An ISO week, YYYY-Www."),
    ],
    responses=inline_serializer(
        "CalendarOverlap",
        {
            "a": serializers.CharField(),
            "b": serializers.CharField(),
            "week": serializers.CharField(),
            "seconds": serializers.IntegerField(),
        },
    ),
)
class CalendarOverlapView(PortalAPIView):
    """The seconds of an ISO week (Monday 00:00 to Monday 00:00, UTC) that are working time
    on both duty stations' calendars, each in its own zone, holidays included.
    Parameters other than ``a``, ``b`` and ``week`` are refused, not ignored."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        # Parameters other than these (and format) are refused before: PortalAPIView.
        values = {k: v for k, v in request.query_params.items() if k in OverlapQuery().fields}
        query = OverlapQuery(data=values)
        query.is_valid(raise_exception=True)
        first, second, week = (query.validated_data[k] for k in ("a", "b", "week"))
        start, end = iso_week_bounds(week)
        seconds = working_overlap_seconds(first.work_calendar(), second.work_calendar(), start, end)
        return Response({"a": first.code, "b": second.code, "week": week, "seconds": seconds})
