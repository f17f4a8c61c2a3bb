"""Page forms of webhooks. They read and type the input; the rules (who may, which URLs,
which events) are the services'."""

from django import forms

from .choices import URL_MAX_LENGTH, EventType


class SubscriptionForm(forms.Form):
    """A subscription: for a new one, the organisation it belongs to, among those the
    user keeps (``organisations``: [(value, label)], values ``provider:<id>`` or
    ``client:<id>``)."""

    organisation = forms.ChoiceField(choices=())
    url = forms.CharField(
        label="Endpoint URL",
        max_length=URL_MAX_LENGTH,
        help_text="An https URL on the internet; the portal POSTs each event to it.",
    )
    events = forms.MultipleChoiceField(
        choices=EventType.choices, widget=forms.CheckboxSelectMultiple, label="Events"
    )
    description = forms.CharField(max_length=200, required=False)
    is_active = forms.BooleanField(required=False, initial=True, label="Active")

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].choices = organisations
