"""A service's refusal shown on a form: reasons beside the fields they name, the others and
the refusal's message above it, whether a service raised it or a model's full_clean."""

from django import forms
from django.core.exceptions import ValidationError

from core.exceptions import ApplicationError
from core.forms import add_refusal


class DatesForm(forms.Form):
    opens_on = forms.DateField()
    closes_on = forms.DateField()


def shown(refusal) -> dict:
    form = DatesForm({"opens_on": "2026-01-02", "closes_on": "2026-01-01"})
    assert form.is_valid()
    add_refusal(form, refusal)
    return {name: list(errors) for name, errors in form.errors.items()}


def test_a_service_refusal_puts_each_reason_by_its_field_and_the_message_on_top():
    refusal = ApplicationError(
        "Nothing was saved.",
        {"closes_on": ["Closes before it opens."], "offerings": ["Choose one."]},
    )
    assert shown(refusal) == {
        "__all__": ["Nothing was saved.", "Choose one."],  # no such field: above the form
        "closes_on": ["Closes before it opens."],
    }


def test_a_refusal_without_reasons_shows_its_message():
    assert shown(ApplicationError("Try again.")) == {"__all__": ["Try again."]}


def test_a_model_validation_error_is_shown_alike():
    by_field = ValidationError({"closes_on": ["Closes before it opens."], "__all__": ["Late."]})
    assert shown(by_field) == {"closes_on": ["Closes before it opens."], "__all__": ["Late."]}
    assert shown(ValidationError(["Late.", "Empty."])) == {"__all__": ["Late. Empty."]}
