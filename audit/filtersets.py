import django_filters
from django import forms

from core.choices import AuditChannel, AuditKind
from core.filters import KeywordFilter
from core.models import AuditEntry


class AuditSearchForm(forms.Form):
    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "Until must be on or after From.")
        return data


class AuditEntryFilterSet(django_filters.FilterSet):
    """Search the audit trail: who, which model or object, when, what kind of change."""

    actor = django_filters.CharFilter(
        field_name="actor_label", max_length=150, label="Who (username or system)"
    )
    model = django_filters.CharFilter(max_length=100, label="Model (e.g. sla.sla)")
    object_id = django_filters.CharFilter(max_length=64, label="Object id")
    kind = django_filters.ChoiceFilter(choices=AuditKind.choices)
    channel = django_filters.ChoiceFilter(choices=AuditChannel.choices, label="Through")
    run_id = django_filters.CharFilter(max_length=64, label="Run id")
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label="From")
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label="Until")
    q = KeywordFilter(search_fields=("object_repr", "action"))

    class Meta:
        model = AuditEntry
        form = AuditSearchForm
        fields = ["actor", "model", "object_id", "kind", "channel", "run_id", "since", "until"]
