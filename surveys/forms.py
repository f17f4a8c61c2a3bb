"""The answer form: five 1–5 scores as radio buttons and an optional comment. The rules
(range, length, who may answer, an open campaign) are the service's."""

from django import forms

from catalogue.models import Offering
from clients.models import ClientEntity

from .choices import SCORE_FIELDS
from .services.campaigns import COMMENT_MAX

SCORES = [(n, str(n)) for n in range(1, 6)]
SCORE_ERRORS = {
    "required": "Choose a score from 1 to 5.",
    "invalid_choice": "Choose a score from 1 to 5.",
}


class AnswerForm(forms.Form):
    client = forms.ModelChoiceField(
        queryset=None,
        to_field_name="code",
        required=False,
        label="You answer for",
        empty_label="Choose…",
    )
    overall = forms.TypedChoiceField(
        choices=SCORES, coerce=int, widget=forms.RadioSelect, error_messages=SCORE_ERRORS
    )
    timeliness = forms.TypedChoiceField(
        choices=SCORES, coerce=int, widget=forms.RadioSelect, error_messages=SCORE_ERRORS
    )
    quality = forms.TypedChoiceField(
        choices=SCORES, coerce=int, widget=forms.RadioSelect, error_messages=SCORE_ERRORS
    )
    communication = forms.TypedChoiceField(
        choices=SCORES, coerce=int, widget=forms.RadioSelect, error_messages=SCORE_ERRORS
    )
    ease_of_access = forms.TypedChoiceField(
        choices=SCORES, coerce=int, widget=forms.RadioSelect, error_messages=SCORE_ERRORS
    )
    comment = forms.CharField(
        required=False, max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, template, clients, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (*SCORE_FIELDS, "comment"):
            self.fields[name].label = getattr(template, f"{name}_question")
        self.fields["client"].queryset = clients
        self.fields["client"].label_from_instance = lambda c: f"{c.code} – {c.name}"
        if len(clients) < 2:
            del self.fields["client"]

    def score_fields(self):
        return [self[name] for name in SCORE_FIELDS]


class CampaignForm(forms.Form):
    """A new campaign (catalogue managers). The rules (who may, at least one provider
    service and one entity, dates in order) are the service's."""

    name = forms.CharField(max_length=200)
    opens_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The last day answers are taken; the campaign closes the day after.",
    )
    reminder_every_days = forms.IntegerField(
        min_value=1,
        max_value=90,
        initial=7,
        help_text="Those who have not answered are reminded once every this many days.",
    )
    offerings = forms.ModelMultipleChoiceField(
        queryset=Offering.objects.select_related("provider", "service").order_by(
            "provider__code", "service__code"
        ),
        label="Provider services asked about",
        help_text="Hold Ctrl (⌘ on a Mac) to choose several.",
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )
    clients = forms.ModelMultipleChoiceField(
        queryset=ClientEntity.objects.order_by("code"),
        label="Client entities invited",
        help_text="Their focal points are invited when the campaign opens. Hold Ctrl (⌘ on "
        "a Mac) to choose several.",
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offerings"].label_from_instance = lambda o: (
            f"{o.provider.code} · {o.service.code} – {o.service.name}"
        )
