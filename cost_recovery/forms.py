"""Page forms of cost recovery. They read and type the input; the rules (who may, no
overlap, one currency per provider, a dispute says why) are the services'."""

from django import forms

from catalogue.models import Offering
from core.currencies import currency_choices

from .choices import RATE_DECIMAL_PLACES, RATE_MAX
from .models import Rate
from .services.statements import COMMENT_MAX

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RateForm(forms.Form):
    """A rate of an offering. ``offerings``: those the user may curate (on a new rate);
    an existing rate keeps its offering."""

    offering = forms.ModelChoiceField(
        queryset=Offering.objects.none(), label="Offering", empty_label="Choose…"
    )
    rate = forms.DecimalField(
        min_value=0,
        max_value=RATE_MAX,
        max_digits=14,
        decimal_places=RATE_DECIMAL_PLACES,
        help_text="The price of one unit, e.g. 16.80.",
    )
    currency = forms.ChoiceField(choices=currency_choices, initial="USD")
    valid_from = forms.DateField(widget=DATE, label="First day")
    valid_to = forms.DateField(
        widget=DATE, required=False, label="Last day", help_text="Empty while in force."
    )
    charge_defective = forms.BooleanField(
        required=False, label="Charge deliveries that had to be corrected or redone"
    )

    def __init__(self, *args, offerings=None, rate: Rate | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if rate is not None:
            del self.fields["offering"]
        else:
            self.fields["offering"].queryset = offerings
            self.fields["offering"].label_from_instance = lambda o: (
                f"{o.provider.code} · {o.service.code} – {o.service.name} ({o.rate_unit})"
            )


class AnswerForm(forms.Form):
    """Acknowledge (comment optional) or dispute (comment required, checked by the
    service) an issued statement."""

    comment = forms.CharField(
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="When you dispute, say what is wrong: the provider reads it.",
    )
