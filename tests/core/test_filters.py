"""Filters by code list their options from (code, name) pairs, not model instances: the
options, their order, their labels and the markup must stay those of Django's own
``ModelChoiceField`` for every model that filters list."""

import pytest
from django import forms
from django.apps import apps

from core.filters import CHOICE_LABELS, CodeChoiceFilter
from core.forms import PortalFormRenderer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("label", sorted(CHOICE_LABELS))
def test_options_are_djangos_own(label):
    model = apps.get_model(label)
    queryset = model.objects.all()
    assert queryset.exists(), f"no {label} in the reference data"
    ours = CodeChoiceFilter(queryset=queryset).field
    django = forms.ModelChoiceField(
        queryset=queryset, to_field_name="code", empty_label=ours.empty_label
    )
    assert ours.empty_label == "Any"  # plain language, not a row of dashes
    assert [(str(value), text) for value, text in ours.choices] == [
        (str(value), text) for value, text in django.choices
    ]
    selected = queryset.order_by("code").last().code
    renderer = PortalFormRenderer()
    assert ours.widget.render("f", selected, renderer=renderer) == django.widget.render(
        "f", selected, renderer=renderer
    )
    assert f'value="{selected}" selected' in ours.widget.render("f", selected, renderer=renderer)


def test_a_filtered_queryset_lists_only_its_options():
    model = apps.get_model("providers.serviceprovider")
    first = model.objects.order_by("code").first()
    field = CodeChoiceFilter(queryset=model.objects.filter(pk=first.pk)).field
    assert [value for value, _ in field.choices] == ["", first.code]


def test_a_value_is_still_checked_against_the_queryset():
    model = apps.get_model("providers.serviceprovider")
    field = CodeChoiceFilter(queryset=model.objects.all()).field
    first = model.objects.order_by("code").first()
    assert field.clean(first.code) == first
    with pytest.raises(forms.ValidationError):
        field.clean("NO-SUCH-PROVIDER")
