"""Filter helpers shared by the FilterSets of every app (pages and API use the same ones)."""

import datetime as dt

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Q
from django.forms.models import ModelChoiceIterator

# The option label of each model that filters list by code, as its ``__str__`` writes it
# from its ``code`` and ``name`` (tests/core/test_filters.py holds them to it).
CHOICE_LABELS = {
    "clients.cliententity": "{code} – {name}",
    "providers.serviceprovider": "{code} – {name}",
    "catalogue.service": "{code} – {name}",
    "catalogue.functionalarea": "{name}",
    "core.dutystation": "{name} ({code})",
}


class _CodeChoiceIterator(ModelChoiceIterator):
    """The options read as (code, name) pairs: a model instance per option made the
    filter forms of the list pages (a few hundred options) cost more than the rest of
    the page (``benchmarks/dashboards.py``, docs/benchmarks.md). Same options, same
    order; a model without an entry in ``CHOICE_LABELS`` gets Django's own iterator."""

    def __iter__(self):
        label = CHOICE_LABELS.get(self.queryset.model._meta.label_lower)
        if label is None or self.field.to_field_name != "code":
            yield from super().__iter__()
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for code, name in self.queryset.values_list("code", "name"):
            yield (code, label.format(code=code, name=name))


# The largest id a database holds (a larger number names nothing).
MAX_ID = 2**63 - 1


class NaturalKeyChoiceField(forms.ModelChoiceField):
    """A related object named by its id (digits only) or its natural key (``to_field_name``,
    ``code`` by default): ``?provider=UNON`` and ``?provider=12`` find the same provider."""

    iterator = _CodeChoiceIterator

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        super().__init__(queryset, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = str(value).strip()
        # NUL is never part of a code, and PostgreSQL refuses it in a query (a server error).
        if "\x00" in value or len(value) > 64:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        key = "pk" if value.isascii() and value.isdigit() else self.to_field_name
        if key == "pk" and int(value) > MAX_ID:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        try:
            return self.queryset.get(**{key: value})
        except (ValueError, TypeError, self.queryset.model.DoesNotExist):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class CodeChoiceFilter(django_filters.ModelChoiceFilter):
    """Filter by a related object's ``code`` (``?provider=RSCE``) or its id."""

    field_class = NaturalKeyChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("help_text", "code or id")
        super().__init__(*args, **kwargs)


class IdOrKeyFilter(django_filters.CharFilter):
    """Filter by a related object's id (digits only) or its natural key, without loading
    it: ``IdOrKeyFilter(field_name="sla", key="sla__agreement__number")``."""

    def __init__(self, *args, key: str, **kwargs):
        kwargs.setdefault("max_length", 64)
        super().__init__(*args, **kwargs)
        self.key = key

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        if "\x00" in value:
            return qs.none()
        if value.isascii() and value.isdigit():
            if int(value) > MAX_ID:
                return qs.none()
            return qs.filter(**{self.field_name: int(value)})
        return qs.filter(**{self.key: value})


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
