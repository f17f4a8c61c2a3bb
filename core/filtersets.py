import django_filters

from core.filters import CodeChoiceFilter, CountrySelect, KeywordFilter

from .models import DutyStation, Holiday


class DutyStationFilterSet(django_filters.FilterSet):
    q = KeywordFilter(search_fields=("code", "name", "timezone"))
    country = django_filters.CharFilter(
        max_length=2, method="filter_country", label="Country", widget=CountrySelect
    )
    timezone = django_filters.CharFilter(max_length=64)
    ordering = django_filters.OrderingFilter(fields=(("code", "code"), ("name", "name")))

    class Meta:
        model = DutyStation
        fields = ["q", "country", "timezone"]

    def filter_country(self, qs, name, value):
        return qs.filter(country=value.upper()) if value else qs


class HolidayFilterSet(django_filters.FilterSet):
    duty_station = CodeChoiceFilter(queryset=DutyStation.objects.all())
    year = django_filters.NumberFilter(field_name="date__year", min_value=1900, max_value=2999)
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte", label="From")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte", label="Until")
    ordering = django_filters.OrderingFilter(fields=(("date", "date"),))

    class Meta:
        model = Holiday
        fields = ["duty_station", "year"]
