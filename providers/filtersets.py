import django_filters

from core.filters import CodeChoiceFilter, CountrySelect, KeywordFilter
from core.models import DutyStation

from .choices import ProviderKind
from .models import ServiceProvider


class ServiceProviderFilterSet(django_filters.FilterSet):
    q = KeywordFilter(search_fields=("code", "name", "description"))
    kind = django_filters.ChoiceFilter(choices=ProviderKind.choices)
    duty_station = CodeChoiceFilter(queryset=DutyStation.objects.all())
    country = django_filters.CharFilter(
        field_name="duty_station__country",
        max_length=2,
        label="Duty station country",
        widget=CountrySelect,
    )
    ordering = django_filters.OrderingFilter(
        fields=(("code", "code"), ("name", "name"), ("duty_station__name", "duty_station"))
    )

    class Meta:
        model = ServiceProvider
        fields = ["q", "kind", "duty_station", "country"]
