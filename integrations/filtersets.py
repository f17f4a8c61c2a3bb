import django_filters

from .choices import TokenScope
from .models import IntegrationToken


class IntegrationTokenFilterSet(django_filters.FilterSet):
    scope = django_filters.ChoiceFilter(choices=TokenScope.choices)
    ordering = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("created_at", "created_at"),
            ("expires_at", "expires_at"),
            ("last_used_at", "last_used_at"),
        )
    )

    class Meta:
        model = IntegrationToken
        fields = ["scope"]
