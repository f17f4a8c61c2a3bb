"""Filter helpers shared by the FilterSets of every app (pages and API use the same ones)."""

import datetime as dt

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Q


class _CodeChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        # NUL is never part of a code, and PostgreSQL refuses it in a query (a server error).
        if isinstance(value, str) and "\x00" in value:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class CodeChoiceFilter(django_filters.ModelChoiceFilter):
    """Filter by an object's ``code`` (``?provider=RSCE``), not its database id."""

    field_class = _CodeChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        super().__init__(*args, **kwargs)


class KeywordFilter(django_filters.CharFilter):
    """Case-insensitive keyword search over several fields; every word must match somewhere."""

    def __init__(self, *args, search_fields: tuple[str, ...], **kwargs):
        kwargs.setdefault("label", "Search")
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)
        self.search_fields = search_fields

    def filter(self, qs, value):
        for word in (value or "").split()[:10]:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": word})
            qs = qs.filter(condition)
        return qs


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date-time, compared in UTC: any offset Python accepts (up to ±23:59)
    works, where PostgreSQL would refuse one beyond ±15:59 with a server error."""

    def filter(self, qs, value):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return super().filter(qs, value)


MONTH_VALIDATOR = RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", "Use YYYY-MM, e.g. 2026-02.")


class MonthFilter(django_filters.CharFilter):
    """A month as ``YYYY-MM``, matched against a first-of-month date field."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("validators", [MONTH_VALIDATOR])
        kwargs.setdefault("widget", MonthInput)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        month = dt.date.fromisoformat(f"{value}-01")
        return qs.filter(**{f"{self.field_name}__{self.lookup_expr}": month})


class YesNoAnySelect(forms.NullBooleanSelect):
    """A yes/no filter whose empty choice reads "Any" (Django's reads "Unknown")."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", "Any"), ("true", "Yes"), ("false", "No")]


class MonthInput(forms.TextInput):
    """A month picked with the browser's month control; it sends ``YYYY-MM``."""

    input_type = "month"


def country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166-1 country by name (its alpha-2 code as the value), for choosing a
    country by name where a filter takes its code."""
    import pycountry

    countries = sorted(
        (getattr(c, "common_name", None) or c.name, c.alpha_2) for c in pycountry.countries
    )
    return [("", "Any")] + [(code, name) for name, code in countries]


class CountrySelect(forms.Select):
    """A country chosen by name; the filter still receives its ISO code."""

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=country_choices())
