import datetime as dt

from django import forms
from django.utils import timezone

from accounts.selectors import UserScope
from clients.models import ClientEntity
from providers.models import ServiceProvider

from .choices import TokenScope


def organisation_choices(scope: UserScope) -> list[tuple[str, list[tuple[str, str]]]]:
    """The organisations the user may bind a token to, grouped: ``provider:<id>`` and
    ``client:<id>``."""
    providers = ServiceProvider.objects.order_by("code")
    clients = ClientEntity.objects.order_by("code")
    if not scope.is_catalogue_manager:
        providers = providers.filter(pk__in=scope.managed_provider_ids)
        clients = clients.filter(pk__in=scope.client_ids)
    groups = [
        ("Providers", [(f"provider:{p.pk}", f"{p.code} – {p.name}") for p in providers]),
        ("Client entities", [(f"client:{c.pk}", f"{c.code} – {c.name}") for c in clients]),
    ]
    return [(label, options) for label, options in groups if options]


class IntegrationTokenForm(forms.Form):
    """A new integration token; the service checks the organisation and the expiry."""

    name = forms.CharField(
        max_length=100, help_text="What calls with it, e.g. “UNON ERP, nightly upload”."
    )
    scope = forms.ChoiceField(choices=TokenScope.choices, initial=TokenScope.READ_ONLY)
    organisation = forms.ChoiceField(help_text="The token acts for this organisation only.")
    expires_at = forms.DateField(
        label="Expires on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="It stops working at the end of this day (UTC).",
    )

    def __init__(self, *args, scope: UserScope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisation_choices(scope)
        self.fields["expires_at"].initial = timezone.now().date() + dt.timedelta(days=90)

    def clean(self):
        data = super().clean()
        kind, _, pk = data.pop("organisation", "").partition(":")
        data["provider"] = ServiceProvider.objects.get(pk=pk) if kind == "provider" else None
        data["client"] = ClientEntity.objects.get(pk=pk) if kind == "client" else None
        day = data.get("expires_at")
        if day is not None:
            data["expires_at"] = dt.datetime.combine(
                day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC
            )
        return data
