"""The work inbox: what waits for the signed-in person, gathered from every domain.

Each app registers its inbox sources in its ``AppConfig.ready()`` (``register_source``), as
with ``core.sections``: this module never imports the apps above it. A source answers, for
one user and their ``UserScope``:

- ``pending(user, scope)``: the rows that wait for them, as a queryset (or ``None`` when
  the source does not concern them, or its count cannot be read in SQL). Every source's
  count is read in one query (``inbox_counts``), shown on the home page and beside the
  navigation entry the source names (``nav``);
- ``items(user, scope, limit)``: the first ``limit`` of them as ``InboxItem`` (one query,
  or a fixed few), shown on the home page with a link to where the work is done.

The home page therefore runs one query for the counts and one (or a fixed few) per source
that concerns the user, whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import F, Func, IntegerField, QuerySet, Subquery


@dataclass(frozen=True)
class InboxItem:
    """One thing to do: a sentence, the page where it is done, and an optional detail."""

    text: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class InboxSource:
    key: str
    title: str  # "SLAs waiting for your signature"
    nav: str  # the navigation entry its count is added to: "sla", "surveys", ...
    more_url: str  # where all of them are listed (a URL path)
    pending: Callable[..., QuerySet | None]
    items: Callable[..., list[InboxItem]]
    # A source whose count cannot be read in SQL (``pending`` returns None) counts its
    # items instead: its ``items`` then returns every item, within its own bound.
    counted_by_items: bool = False
    order: int = 100


@dataclass
class InboxSection:
    source: InboxSource
    count: int
    items: list[InboxItem] = field(default_factory=list)

    @property
    def more(self) -> int:
        return max(self.count - len(self.items), 0)


_sources: dict[str, InboxSource] = {}


def register_source(source: InboxSource) -> None:
    """Add (or replace, by key) an inbox source."""
    _sources[source.key] = source


def sources() -> list[InboxSource]:
    return sorted(_sources.values(), key=lambda s: (s.order, s.key))


def _count(queryset: QuerySet) -> Subquery:
    # A scalar subquery: SELECT COUNT(pk) FROM (the source's rows).
    counted = queryset.order_by().values(n=Func(F("pk"), function="COUNT"))
    return Subquery(counted, output_field=IntegerField())


def inbox_counts(user, scope, **extra: QuerySet) -> dict[str, int]:
    """Every source's count for ``user`` (and the counts of ``extra`` querysets, e.g. the
    unread notifications), in one query; sources that do not concern the user are left
    out."""
    if not scope.authenticated:
        return {}
    counted = dict(extra)
    for source in sources():
        queryset = source.pending(user, scope)
        if queryset is not None:
            counted[source.key] = queryset
    if not counted:
        return {}
    names = {f"count_{i}": key for i, key in enumerate(counted)}
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(**{name: _count(counted[key]) for name, key in names.items()})
        .values(*names)
        .first()
    ) or {}
    return {key: row.get(name) or 0 for name, key in names.items()}


def nav_counts(counts: dict[str, int]) -> dict[str, int]:
    """The counts added up by navigation entry."""
    by_nav: dict[str, int] = {}
    for source in sources():
        if counts.get(source.key):
            by_nav[source.nav] = by_nav.get(source.nav, 0) + counts[source.key]
    return by_nav


def inbox_sections(user, scope, *, limit: int = 5) -> list[InboxSection]:
    """The sections of the user's inbox with something in them, each with its first
    ``limit`` items."""
    counts = inbox_counts(user, scope)
    sections = []
    for source in sources():
        if source.counted_by_items:
            items = source.items(user, scope, None)
            count = len(items)
            items = items[:limit]
        else:
            count = counts.get(source.key, 0)
            if not count:
                continue
            items = source.items(user, scope, limit)
        if count:
            sections.append(InboxSection(source, count, items))
    return sections
