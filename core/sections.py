"""Sections that an app higher up adds to a page of an app lower down.

A page names a slot (``"sla.detail"``); an app above registers a section builder for it
in its ``AppConfig.ready()``; the page renders whatever is registered, in the order of
registration. The lower app never imports the higher one (the layer contract), as with
the compliance engine's counters (``compliance.engine.register_counter``).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest


@dataclass(frozen=True)
class PageSection:
    """A template to include on the page, and its context."""

    template: str
    context: dict = field(default_factory=dict)


SectionBuilder = Callable[[HttpRequest, object], PageSection | None]
_builders: dict[str, list[SectionBuilder]] = {}


def register_section(slot: str, builder: SectionBuilder) -> None:
    """Add ``builder(request, obj)`` to the page slot ``slot`` (once per builder)."""
    builders = _builders.setdefault(slot, [])
    if builder not in builders:
        builders.append(builder)


def page_sections(slot: str, request: HttpRequest, obj) -> list[PageSection]:
    """The sections registered for ``slot``, built for ``obj`` (a builder may return None
    to show nothing)."""
    sections = (builder(request, obj) for builder in _builders.get(slot, ()))
    return [section for section in sections if section is not None]
