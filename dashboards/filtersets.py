"""The dashboards' filters: month (or half-year), region, area, provider and client type.

One FilterSet validates them all (bad values show their errors and an empty dashboard,
as on the list pages); the month is read from the form, the others filter the results. A
month or half-year that has not begun yet (anywhere) is refused, like a malformed one.
"""

import datetime as dt

import django_filters
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone

from catalogue.models import FunctionalArea
from clients.choices import EntityType
from compliance.models import ComplianceResult
from core.filters import MONTH_VALIDATOR, CodeChoiceFilter, MonthInput
from core.months import half_label, half_start
from providers.models import ServiceProvider
from providers.regions import REGION_CHOICES, region_q

from .periods import month_begun_anywhere

HALF_VALIDATOR = RegexValidator(r"^\d{4}-H[12]$", "Use YYYY-H1 or YYYY-H2, e.g. 2026-H1.")


def _first_month(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(f"{value}-01") if value else None


def month_has_begun(value: str) -> None:
    """A month (``YYYY-MM``) that has not begun yet has no figures: refused (so is one
    before ``EARLIEST_YEAR``)."""
    if not MONTH_VALIDATOR.regex.match(value):
        return  # malformed: the format's own message says so
    month = dt.date(max(int(value[:4]), 1), int(value[5:]), 1)
    _within(value, month, "month", lambda m: f"{m:%Y-%m}")


def half_has_begun(value: str) -> None:
    """A half-year (``YYYY-H1``/``YYYY-H2``) that has not begun yet: refused (so is one
    before ``EARLIEST_YEAR``)."""
    if not HALF_VALIDATOR.regex.match(value):
        return  # malformed: the format's own message says so
    first = dt.date(max(int(value[:4]), 1), 1 if value[-1] == "1" else 7, 1)
    _within(value, first, "half-year", lambda m: half_label(half_start(m)))


# No figures before this year (and the trend's twelve months must fit in the calendar).
EARLIEST_YEAR = 1900


def _within(value: str, first: dt.date, what: str, label) -> None:
    if first.year < EARLIEST_YEAR:
        raise ValidationError(
            f"{value} is too early: choose a {what} from {EARLIEST_YEAR} on.", code="too_early"
        )
    latest = month_begun_anywhere(timezone.now())
    if first > latest:
        raise ValidationError(
            f"{value} has not begun yet: choose {label(latest)} or an earlier {what}.",
            code="future",
        )


class DashboardFilterSet(django_filters.FilterSet):
    """Filters shared by every dashboard. ``month`` picks the month shown (the last
    complete month by default); the trend covers the 12 months up to it."""

    month = django_filters.CharFilter(
        method="keep",
        max_length=7,
        validators=[MONTH_VALIDATOR, month_has_begun],
        label="Month",
        widget=MonthInput,
    )
    region = django_filters.ChoiceFilter(
        choices=REGION_CHOICES,
        method="filter_region",
        label="Region (provider)",
    )
    area = CodeChoiceFilter(
        field_name="service__area", queryset=FunctionalArea.objects.all(), label="Area"
    )
    provider = CodeChoiceFilter(queryset=ServiceProvider.objects.all())
    client_type = django_filters.ChoiceFilter(
        choices=EntityType.choices,
        field_name="client__type",
        label="Client type (SLA targets)",
    )

    class Meta:
        model = ComplianceResult
        fields = ["month", "region", "area", "provider", "client_type"]

    def keep(self, qs, name, value):
        return qs

    def filter_region(self, qs, name, value):
        return qs.filter(region_q(value)) if value else qs

    @property
    def chosen_month(self) -> dt.date | None:
        return _first_month(self.form.cleaned_data.get("month")) if self.is_valid() else None


class ProviderDashboardFilterSet(DashboardFilterSet):
    """A provider's own dashboard: no region or provider choice."""

    class Meta(DashboardFilterSet.Meta):
        fields = ["month", "area", "client_type"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters.pop("region", None)
        self.filters.pop("provider", None)


class ClientDashboardFilterSet(DashboardFilterSet):
    """A client's own dashboard: month, area and provider."""

    class Meta(DashboardFilterSet.Meta):
        fields = ["month", "area", "provider"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters.pop("region", None)
        self.filters.pop("client_type", None)


class ReviewFilterSet(DashboardFilterSet):
    """The semi-annual review pack: a half-year instead of a month."""

    half = django_filters.CharFilter(
        method="keep",
        max_length=7,
        validators=[HALF_VALIDATOR, half_has_begun],
        label="Half-year (e.g. 2026-H1)",
    )

    class Meta(DashboardFilterSet.Meta):
        fields = ["half", "region", "area", "provider", "client_type"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters.pop("month", None)

    @property
    def chosen_half(self) -> tuple[dt.date, dt.date] | None:
        """(first month, last month) of the chosen half-year."""
        value = self.form.cleaned_data.get("half") if self.is_valid() else None
        if not value:
            return None
        year, which = int(value[:4]), value[-1]
        return (
            (dt.date(year, 1, 1), dt.date(year, 6, 1))
            if which == "1"
            else (
                dt.date(year, 7, 1),
                dt.date(year, 12, 1),
            )
        )
