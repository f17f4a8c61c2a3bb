"""API for duty stations (work calendars) and their holidays."""

from rest_framework import serializers

from core.api.serializers import CleanModelSerializer, CodeRelatedField
from core.api.viewsets import ReferenceDataViewSet
from core.filtersets import DutyStationFilterSet, HolidayFilterSet
from core.models import DutyStation, Holiday
from core.selectors import duty_station_queryset, holiday_queryset


class DutyStationSerializer(CleanModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="core-api:dutystation-detail")
    holidays = serializers.SerializerMethodField()

    class Meta:
        model = DutyStation
        fields = [
            "id",
            "url",
            "display",
            "code",
            "name",
            "country",
            "timezone",
            "working_hours",
            "holidays",
            "working_day_hours",
            "source",
            "verification",
        ]

    def get_holidays(self, obj) -> list[str]:
        return [h.date.isoformat() for h in obj.holidays.all()]


class HolidaySerializer(CleanModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="core-api:holiday-detail")
    duty_station = CodeRelatedField(queryset=DutyStation.objects.all())

    class Meta:
        model = Holiday
        fields = ["id", "url", "display", "duty_station", "date", "name"]


class DutyStationViewSet(ReferenceDataViewSet):
    """Duty stations and their work calendars (DOMAIN §3)."""

    selector = duty_station_queryset
    serializer_class = DutyStationSerializer
    filterset_class = DutyStationFilterSet


class HolidayViewSet(ReferenceDataViewSet):
    selector = holiday_queryset
    serializer_class = HolidaySerializer
    filterset_class = HolidayFilterSet
