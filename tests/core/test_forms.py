"""The portal's form renderer writes <select> elements in Python; the markup must be the
one Django's templates give, character for character, whatever the widget holds."""

import django_filters
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from core.forms import PortalFormRenderer

TEMPLATES = DjangoTemplates()
PORTAL = PortalFormRenderer()


def both(widget, name="field", value=None, attrs=None) -> tuple[str, str]:
    return (
        widget.render(name, value, attrs=attrs, renderer=TEMPLATES),
        widget.render(name, value, attrs=attrs, renderer=PORTAL),
    )


HOSTILE = "<script>alert(\"x\")</script> & 'quote'"


@pytest.mark.parametrize(
    ("widget", "value", "attrs"),
    [
        (forms.Select(choices=[("", "---------"), ("a", "A"), ("b", "B")]), "b", {"id": "id_f"}),
        (forms.Select(choices=[]), None, None),
        (forms.Select(choices=[(1, 1), (2, 2)]), 2, {"required": True, "disabled": False}),
        (
            forms.Select(
                choices=[
                    ("", "any"),
                    ("Africa", [("ECA", "Addis Ababa"), ("UNON", "Nairobi")]),
                    ("Europe", [("UNOG", "Geneva")]),
                ]
            ),
            "UNON",
            {"class": "wide", "aria-describedby": "help"},
        ),
        (forms.Select(choices=[(HOSTILE, HOSTILE)]), HOSTILE, {"data-x": HOSTILE}),
        (forms.Select(choices=[("safe", mark_safe("<b>kept</b>"))]), None, None),
        (forms.SelectMultiple(choices=[("a", "A"), ("b", "B"), ("c", "C")]), ["a", "c"], None),
        (forms.NullBooleanSelect(), True, {"id": "id_flag"}),
    ],
    ids=[
        "plain",
        "empty",
        "integers-required",
        "optgroups",
        "hostile-text",
        "safe-label",
        "multiple",
        "null-boolean",
    ],
)
def test_select_markup_is_the_templates(widget, value, attrs):
    expected, written = both(widget, value=value, attrs=attrs)
    assert written == expected
    assert "<script>" not in written


def test_a_custom_option_template_is_left_to_the_templates():
    class Radio(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    widget = Radio(choices=[("a", "A")])
    expected, written = both(widget, value="a")
    assert written == expected
    assert "<label><input" in written


@pytest.mark.django_db
def test_every_filter_form_of_the_portal_renders_as_before():
    """Every FilterSet of the portal's apps, each field, with reference data loaded."""
    from importlib import import_module
    from importlib.util import find_spec

    from django.apps import apps

    ours = {app.name for app in apps.get_app_configs() if find_spec(f"{app.name}.filtersets")}
    for name in ours:
        import_module(f"{name}.filtersets")

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    checked = 0
    for filterset_class in set(subclasses(django_filters.FilterSet)):
        if filterset_class.__module__.split(".")[0] not in ours:
            continue
        model = filterset_class._meta.model
        form = filterset_class(data={}, queryset=model.objects.none()).form
        for field in form:
            widget = field.field.widget
            if not isinstance(widget, forms.Select):
                continue
            attrs = field.build_widget_attrs({"id": field.auto_id}, widget)
            expected, written = both(widget, field.html_name, field.value(), attrs)
            assert written == expected, (filterset_class.__name__, field.name)
            checked += 1
    assert checked >= 30
