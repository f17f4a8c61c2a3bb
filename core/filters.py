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


class _CodeChoiceField(forms.ModelChoiceField):
    iterator = _CodeChoiceIterator

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
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        month = dt.date.fromisoformat(f"{value}-01")
        return qs.filter(**{f"{self.field_name}__{self.lookup_expr}": month})
