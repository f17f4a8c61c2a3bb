import datetime as dt

import django_filters

from catalogue.models import Service
from clients.models import ClientEntity
from core.filters import CodeChoiceFilter, KeywordFilter
from core.zones import portal_today
from providers.models import ServiceProvider

from .choices import BINDING_STATUSES, SlaStatus
from .models import Sla


class SlaFilterSet(django_filters.FilterSet):
    q = KeywordFilter(search_fields=("agreement__number", "notes"), label="Number")
    provider = CodeChoiceFilter(
        field_name="agreement__provider", queryset=ServiceProvider.objects.all(), label="Provider"
    )
    client = CodeChoiceFilter(
        field_name="agreement__client", queryset=ClientEntity.objects.all(), label="Client entity"
    )
    service = CodeChoiceFilter(
        field_name="lines__offering__service",
        queryset=Service.objects.all(),
        distinct=True,
        label="Service",
    )
    status = django_filters.ChoiceFilter(choices=SlaStatus.choices)
    expiring_within = django_filters.NumberFilter(
        method="filter_expiring_within",
        min_value=0,
        max_value=3660,
        label="Expiring within (days)",
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("agreement__number", "number"),
            ("start_date", "start_date"),
            ("end_date", "end_date"),
            ("status", "status"),
        )
    )

    class Meta:
        model = Sla
        fields = ["q", "provider", "client", "service", "status"]

    def filter_expiring_within(self, qs, name, value):
        if value is None:
            return qs
        today = portal_today()
        return qs.filter(
            status__in=BINDING_STATUSES,
            end_date__gte=today,
            end_date__lte=today + dt.timedelta(days=int(value)),
        )
