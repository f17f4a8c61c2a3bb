"""API for duty stations (work calendars) and their holidays."""

import datetime as dt
import re

from django.db import transaction
from rest_framework import serializers

from core.api.serializers import CleanModelSerializer, CodeRelatedField
from core.api.viewsets import ReferenceDataViewSet
from core.filtersets import DutyStationFilterSet, HolidayFilterSet
from core.models import MAX_HOLIDAYS, DutyStation, Holiday, holiday_date_problem
from core.selectors import duty_station_queryset, holiday_queryset
from core.services import duty_station_set_holidays

ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class HolidayDatesField(serializers.ListField):
    """A station's holidays: a list of ISO dates (YYYY-MM-DD).

    Read from the station's ``Holiday`` rows, sorted; written as the whole set (the rows of
    dates left out are deleted). Each bad item is named by its position and reason.
    """

    default_error_messages = {
        "not_a_list": "Give the holidays as a list of dates (YYYY-MM-DD).",
        "too_many": "At most {max} holidays per duty station; {count} given.",
        "not_a_date": "{value} is not a date in ISO form (YYYY-MM-DD).",
        "twice": "{value} is listed twice (also at [{first}]).",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("child", serializers.DateField())
        kwargs.setdefault("max_length", MAX_HOLIDAYS)
        super().__init__(**kwargs)

    def to_representation(self, data) -> list[str]:
        return sorted(holiday.date.isoformat() for holiday in data.all())

    def to_internal_value(self, data) -> list[dt.date]:
        if isinstance(data, (str, bytes)) or not isinstance(data, (list, tuple)):
            self.fail("not_a_list")
        if len(data) > MAX_HOLIDAYS:
            self.fail("too_many", max=MAX_HOLIDAYS, count=len(data))
        dates, seen, errors = [], {}, {}
        for index, item in enumerate(data):
            day = _iso_date(item)
            if day is None:
                shown = repr(item[:40] if isinstance(item, str) else item)[:42]
                errors[index] = [self.error_messages["not_a_date"].format(value=shown)]
            elif problem := holiday_date_problem(day):
                errors[index] = [f"{problem}."]
            elif day in seen:
                message = self.error_messages["twice"].format(value=day, first=seen[day])
                errors[index] = [message]
            else:
                seen[day] = index
                dates.append(day)
        if errors:
            raise serializers.ValidationError(errors)
        return sorted(dates)


def _iso_date(item) -> dt.date | None:
    if not isinstance(item, str) or not ISO_DATE_RE.match(item):
        return None
    try:
        return dt.date.fromisoformat(item)
    except ValueError:
        return None


class DutyStationSerializer(CleanModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="core-api:dutystation-detail")
    holidays = HolidayDatesField(
        required=False,
        help_text=(
            "Whole local dates not worked (YYYY-MM-DD), sorted. A write replaces the set; "
            "left out, the holidays stay as they are (none for a new station)."
        ),
    )

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

    @transaction.atomic
    def create(self, validated_data):
        dates = validated_data.pop("holidays", [])
        station = super().create(validated_data)
        duty_station_set_holidays(duty_station=station, dates=dates)
        return station

    @transaction.atomic
    def update(self, instance, validated_data):
        dates = validated_data.pop("holidays", None)
        station = super().update(instance, validated_data)
        if dates is not None:
            duty_station_set_holidays(duty_station=station, dates=dates)
        return station


class HolidaySerializer(CleanModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="core-api:holiday-detail")
    duty_station = CodeRelatedField(queryset=DutyStation.objects.all())

    class Meta:
        model = Holiday
        fields = ["id", "url", "display", "duty_station", "date", "name"]


class DutyStationViewSet(ReferenceDataViewSet):
    """Duty stations and their work calendars: time zone, working hours by weekday and
    holidays, which service records are measured against."""

    selector = duty_station_queryset
    serializer_class = DutyStationSerializer
    filterset_class = DutyStationFilterSet


class HolidayViewSet(ReferenceDataViewSet):
    selector = holiday_queryset
    serializer_class = HolidaySerializer
    filterset_class = HolidayFilterSet
