import django_filters

from core.filters import CodeChoiceFilter, CountrySelect, KeywordFilter, YesNoAnySelect
from core.models import DutyStation

from .choices import EntityType, Pillar
from .models import ClientEntity


class ClientEntityFilterSet(django_filters.FilterSet):
    q = KeywordFilter(search_fields=("code", "name"))
    type = django_filters.ChoiceFilter(choices=EntityType.choices)
    pillar = django_filters.ChoiceFilter(choices=Pillar.choices)
    parent = CodeChoiceFilter(queryset=ClientEntity.objects.all())
    duty_station = CodeChoiceFilter(queryset=DutyStation.objects.all())
    country = django_filters.CharFilter(
        max_length=2, method="filter_country", label="Country", widget=CountrySelect
    )
    active = django_filters.BooleanFilter(widget=YesNoAnySelect)
    ordering = django_filters.OrderingFilter(
        fields=(("code", "code"), ("name", "name"), ("type", "type"), ("country", "country"))
    )

    class Meta:
        model = ClientEntity
        fields = ["q", "type", "pillar", "parent", "duty_station", "country", "active"]

    def filter_country(self, qs, name, value):
        return qs.filter(country=value.upper()) if value else qs
