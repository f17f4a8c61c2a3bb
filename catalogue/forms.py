"""Forms of the designation pages. They only read and shape what was typed; every rule
(who may, dates, overlap, service or area) is ``catalogue.services``'."""

from django import forms

from clients.models import ClientEntity
from providers.models import ServiceProvider

from .models import FunctionalArea, Service

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _code_choice(queryset, **kwargs) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(queryset=queryset, to_field_name="code", **kwargs)
    field.label_from_instance = lambda o: f"{o.code} – {o.name}"
    return field


class DesignationRequestForm(forms.Form):
    """A request: a provider for a client entity and one service, or a whole area."""

    client = _code_choice(ClientEntity.objects.none(), label="Client entity", empty_label="Choose…")
    provider = _code_choice(
        ServiceProvider.objects.order_by("code"), label="Provider", empty_label="Choose…"
    )
    service = _code_choice(
        Service.objects.order_by("code"),
        required=False,
        empty_label="None: a whole area",
        help_text="One catalogue service, or leave empty and choose an area.",
    )
    area = _code_choice(
        FunctionalArea.objects.order_by("code"),
        required=False,
        empty_label="None: one service",
        label="Functional area",
        help_text="Every service of the area (a service-level designation overrides it).",
    )
    valid_from = forms.DateField(widget=DATE_WIDGET, label="From")
    valid_to = forms.DateField(
        widget=DATE_WIDGET, required=False, label="Until", help_text="Empty: open-ended."
    )
    basis = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Basis",
        help_text="The arrangement or the need behind the request.",
    )

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients


class DecisionForm(forms.Form):
    """Approve (reason optional) or decline (reason required, checked by the service)."""

    reason = forms.CharField(
        required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), label="Reason"
    )


class EndForm(forms.Form):
    valid_to = forms.DateField(widget=DATE_WIDGET, label="Last day")
    reason = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
