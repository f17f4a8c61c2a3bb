"""Page forms of support capacities. They read and type the input; the rules (who may,
posts or a provider, the cost's currency, one row per entity, station and area) are the
service's and the model's."""

from django import forms

from catalogue.models import FunctionalArea
from clients.models import ClientEntity
from core.currencies import currency_choices
from core.models import DutyStation
from providers.models import ServiceProvider

from .choices import (
    COST_DECIMAL_PLACES,
    COST_MAX,
    POSTS_DECIMAL_PLACES,
    POSTS_MAX,
    POSTS_MIN,
    SOURCE_MAX,
)

FIELDS = ("client", "duty_station", "area", "served_by", "posts", "annual_cost", "currency",
          "source")  # fmt: skip


class SupportCapacityForm(forms.Form):
    """A support capacity. ``clients``: the entities the user may keep capacities of."""

    client = forms.ModelChoiceField(
        queryset=ClientEntity.objects.none(), label="Client entity", empty_label="Choose…"
    )
    duty_station = forms.ModelChoiceField(
        queryset=DutyStation.objects.order_by("name"), label="Duty station", empty_label="Choose…"
    )
    area = forms.ModelChoiceField(
        queryset=FunctionalArea.objects.order_by("code"),
        label="Functional area",
        empty_label="Choose…",
    )
    served_by = forms.ModelChoiceField(
        queryset=ServiceProvider.objects.order_by("code"),
        required=False,
        label="Served by",
        empty_label="Nobody: the entity's own team",
        help_text="The provider that serves the entity here. Leave empty for its own team.",
    )
    posts = forms.DecimalField(
        required=False,
        min_value=POSTS_MIN,
        max_value=POSTS_MAX,
        max_digits=7,
        decimal_places=POSTS_DECIMAL_PLACES,
        help_text="The own team's full-time equivalents, e.g. 3.5 (empty when served by a "
        "provider).",
    )
    annual_cost = forms.DecimalField(
        required=False,
        min_value=0,
        max_value=COST_MAX,
        max_digits=16,
        decimal_places=COST_DECIMAL_PLACES,
        label="Annual cost",
        help_text="Optional: what the own team costs a year.",
    )
    currency = forms.ChoiceField(
        choices=[("", "—"), *currency_choices()], required=False, label="Currency"
    )
    source = forms.CharField(
        required=False,
        max_length=SOURCE_MAX,
        help_text="Where the figures come from, e.g. the 2026 staffing table.",
    )

    def __init__(self, *args, clients=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients if clients is not None else ClientEntity.objects
