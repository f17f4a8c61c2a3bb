"""Filter helpers shared by the FilterSets of every app (pages and API use the same ones)."""

import django_filters
from django.db.models import Q


class CodeChoiceFilter(django_filters.ModelChoiceFilter):
    """Filter by an object's ``code`` (``?provider=RSCE``), not its database id."""

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
