from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.models import ReferenceData, code_validator, country_validator

from .choices import (
    Clock,
    DeliveryMode,
    DesignationStatus,
    Lifecycle,
    MeasureKind,
    OfferingScope,
)


def measure_statement(kind: str, threshold, clock: str, target_pct) -> str:
    """A measure in words, e.g. '95% within 30 working days' (standards and SLA targets)."""
    pct = f"{Decimal(target_pct).normalize():f}%"
    if kind == MeasureKind.TIMELINESS:
        return f"{pct} within {Decimal(threshold).normalize():f} {Clock(clock).label}"
    if kind == MeasureKind.ACCURACY:
        return f"{pct} delivered without correction"
    return f"{pct} of clients satisfied (score 4 or 5)"


class FunctionalArea(ReferenceData):
    """A category of the common catalogue: payroll, travel, ICT..."""

    code = models.CharField(max_length=16, unique=True, validators=[code_validator])
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(ReferenceData):
    """A catalogue service: what a client entity can ask for, in the common vocabulary."""

    code = models.CharField(max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    area = models.ForeignKey(FunctionalArea, on_delete=models.PROTECT, related_name="services")
    location_independent = models.BooleanField(
        default=True, help_text="Can be delivered from any duty station."
    )
    delivery_mode = models.CharField(max_length=16, choices=DeliveryMode.choices)
    unit_of_service = models.CharField(max_length=60)
    lifecycle = models.CharField(max_length=16, choices=Lifecycle.choices, default=Lifecycle.LIVE)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["lifecycle", "area"])]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class Offering(ReferenceData):
    """A provider's offer of one catalogue service: where, in what unit, how fast.

    Its price is on the rate card (``cost_recovery.Rate``, the ``rates`` relation): the
    catalogue's selectors read the rate in force from there, so there is one source.
    """

    provider = models.ForeignKey(
        "providers.ServiceProvider", on_delete=models.CASCADE, related_name="offerings"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="offerings")
    scope = models.CharField(max_length=16, choices=OfferingScope.choices)
    rate_unit = models.CharField(max_length=60, help_text="e.g. per claim")
    lead_time_days = models.PositiveIntegerField(help_text="Standard lead time in working days.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["service__code", "provider__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "service"],
                name="%(app_label)s_%(class)s_unique_provider_service",
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider.code} · {self.service.code}"

    @property
    def country_codes(self) -> list[str]:
        return [c.country for c in self.countries.all()]


class OfferingCountry(models.Model):
    """A country an offering serves. A global offering serves everywhere and lists none."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="countries")
    country = models.CharField(max_length=2, validators=[country_validator])

    class Meta:
        ordering = ["country"]
        verbose_name_plural = "offering countries"
        constraints = [
            models.UniqueConstraint(
                fields=["offering", "country"], name="%(app_label)s_%(class)s_unique_country"
            )
        ]

    def __str__(self) -> str:
        return self.country


class MinimumServiceStandard(ReferenceData):
    """A global performance measure that applies to every provider of a service (DOMAIN §5).

    Timeliness standards carry a threshold and the clock that gives it its unit;
    accuracy and satisfaction standards carry only the target share.
    """

    code = models.CharField(max_length=32, unique=True, validators=[code_validator])
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="standards")
    kind = models.CharField(max_length=16, choices=MeasureKind.choices)
    threshold = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    clock = models.CharField(max_length=16, choices=Clock.choices, blank=True)
    target_pct = models.DecimalField(
        max_digits=6,
        decimal_places=3,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text="Share of eligible records that must meet the threshold, e.g. 96.7.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=MeasureKind.TIMELINESS, threshold__isnull=False) & ~Q(clock=""))
                | (~Q(kind=MeasureKind.TIMELINESS) & Q(threshold__isnull=True, clock="")),
                name="%(app_label)s_%(class)s_threshold_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(target_pct__gte=0, target_pct__lte=100),
                name="%(app_label)s_%(class)s_target_pct_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.statement}"

    @property
    def statement(self) -> str:
        """The standard in words, e.g. '95% within 30 working days'."""
        return measure_statement(self.kind, self.threshold, self.clock, self.target_pct)

    def clean(self):
        if self.kind == MeasureKind.TIMELINESS:
            errors = {}
            if self.threshold is None:
                errors["threshold"] = "A timeliness standard needs a threshold."
            if not self.clock:
                errors["clock"] = "A timeliness standard needs a clock."
            if errors:
                raise ValidationError(errors)
        elif self.threshold is not None or self.clock:
            raise ValidationError(
                {"threshold": f"A {self.kind} standard has no threshold or clock."}
            )


class Designation(ReferenceData):
    """Who serves whom: the provider designated for a client entity and a service or a
    whole functional area, from ``valid_from`` to ``valid_to`` (both included; open-ended
    when empty), as requested by the client entity and decided by a catalogue manager
    (DOMAIN §9, ST/SGB/2019/2 para. 2.3).

    Only approved designations count anywhere; a designation for a service overrides one
    for the service's area. Approved designations of one client and one service (or one
    area) never overlap (``catalogue.services`` refuses it). Every step is in the history.
    """

    client = models.ForeignKey(
        "clients.ClientEntity", on_delete=models.CASCADE, related_name="designations"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="designations"
    )
    area = models.ForeignKey(
        FunctionalArea, null=True, blank=True, on_delete=models.CASCADE, related_name="designations"
    )
    provider = models.ForeignKey(
        "providers.ServiceProvider", on_delete=models.CASCADE, related_name="designations"
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    basis = models.TextField(blank=True, help_text="Why this provider: the arrangement or need.")
    status = models.CharField(
        max_length=16, choices=DesignationStatus.choices, default=DesignationStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["client__code", "area__code", "service__code", "valid_from"]
        indexes = [models.Index(fields=["status", "client"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(service__isnull=False, area__isnull=True)
                | Q(service__isnull=True, area__isnull=False),
                name="%(app_label)s_%(class)s_service_xor_area",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="%(app_label)s_%(class)s_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["client", "service", "provider", "valid_from"],
                condition=Q(service__isnull=False, status="approved"),
                name="%(app_label)s_%(class)s_unique_service_designation",
            ),
            models.UniqueConstraint(
                fields=["client", "area", "provider", "valid_from"],
                condition=Q(area__isnull=False, status="approved"),
                name="%(app_label)s_%(class)s_unique_area_designation",
            ),
        ]

    def __str__(self) -> str:
        what = self.service.code if self.service_id else self.area.code
        return f"{self.client.code} · {what} → {self.provider.code}"

    @property
    def subject(self):
        """What is designated: the service, or the whole area."""
        return self.service if self.service_id else self.area

    @property
    def is_pending(self) -> bool:
        return self.status == DesignationStatus.REQUESTED

    def clean(self):
        if bool(self.service_id) == bool(self.area_id):
            raise ValidationError(
                {"service": "Designate either a service or a functional area, not both or neither."}
            )
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "The end date is before the start date."})
