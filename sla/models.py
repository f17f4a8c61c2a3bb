"""Service level agreements from the common template (DOMAIN §5–§6).

An ``Agreement`` is the lasting identity (its number, provider and client); each ``Sla``
is one version of it, with its period, lines and targets. Amending an approved version
creates the next version, which supersedes the old one when approved.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from catalogue.choices import Clock, MeasureKind
from catalogue.models import measure_statement

from .choices import SlaStatus, TemplateSectionKey


class SlaTemplate(models.Model):
    """A version of the common SLA template, curated by catalogue managers."""

    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)
    published_on = models.DateField()
    is_current = models.BooleanField(
        default=False, help_text="New agreements use the current version."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="%(app_label)s_%(class)s_one_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class SlaTemplateSection(models.Model):
    """One section of the template; ``body`` is text with placeholders such as
    ``{{ provider.name }}`` or ``{% for line in lines %}``, filled from the agreement."""

    template = models.ForeignKey(SlaTemplate, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=32, choices=TemplateSectionKey.choices)
    title = models.CharField(max_length=200)
    body = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "key"], name="%(app_label)s_%(class)s_unique_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template.version}.{self.order} {self.title}"


class Agreement(models.Model):
    """The lasting identity of an SLA between one provider and one client entity."""

    number = models.CharField(max_length=40, unique=True)
    provider = models.ForeignKey(
        "providers.ServiceProvider", on_delete=models.PROTECT, related_name="agreements"
    )
    client = models.ForeignKey(
        "clients.ClientEntity", on_delete=models.PROTECT, related_name="agreements"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number


class Sla(models.Model):
    """One version of an agreement: its period, status, signatures and lines."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(default=1)
    template = models.ForeignKey(SlaTemplate, on_delete=models.PROTECT, related_name="slas")
    status = models.CharField(max_length=16, choices=SlaStatus.choices, default=SlaStatus.DRAFT)
    start_date = models.DateField()
    end_date = models.DateField()
    notes = models.TextField(blank=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    client_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    client_signed_at = models.DateTimeField(null=True, blank=True)
    provider_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider_signed_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(blank=True)
    termination_date = models.DateField(null=True, blank=True)
    termination_reason = models.TextField(blank=True)
    expiry_notified_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement__number", "-version"]
        verbose_name = "SLA"
        verbose_name_plural = "SLAs"
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "version"], name="%(app_label)s_%(class)s_unique_version"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="%(app_label)s_%(class)s_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["status", "end_date"])]

    def __str__(self) -> str:
        return f"{self.agreement.number} v{self.version}"

    @property
    def provider(self):
        return self.agreement.provider

    @property
    def client(self):
        return self.agreement.client

    @property
    def in_force_until(self):
        """The last day this version counts for compliance (a termination ends it early)."""
        return self.termination_date or self.end_date


class SlaLine(models.Model):
    """A catalogue service the SLA covers, from the provider's own offering."""

    sla = models.ForeignKey(Sla, on_delete=models.CASCADE, related_name="lines")
    offering = models.ForeignKey(
        "catalogue.Offering", on_delete=models.PROTECT, related_name="sla_lines"
    )
    expected_volume = models.PositiveIntegerField(help_text="Expected units over the period.")
    # The rate card's rate in force when the agreement was registered (its text quotes it);
    # statements price records with the rate in force on each one's day.
    cost_recovery_rate = models.DecimalField(max_digits=14, decimal_places=4)
    currency = models.CharField(max_length=3)
    rate_unit = models.CharField(max_length=60)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sla", "offering__service__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["sla", "offering"], name="%(app_label)s_%(class)s_unique_offering"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sla} · {self.offering.service.code}"


class ServiceLevelTarget(models.Model):
    """A target of an SLA line: the standard as it is, or stricter (DOMAIN §5).

    Stricter means a lower threshold (timeliness, on the same clock) or a higher target
    share; a weaker target is rejected naming the standard.
    """

    line = models.ForeignKey(SlaLine, on_delete=models.CASCADE, related_name="targets")
    standard = models.ForeignKey(
        "catalogue.MinimumServiceStandard", on_delete=models.PROTECT, related_name="targets"
    )
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
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["line", "kind", "standard__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "standard"], name="%(app_label)s_%(class)s_unique_standard"
            )
        ]

    def __str__(self) -> str:
        return f"{self.line} · {self.statement}"

    @property
    def statement(self) -> str:
        return measure_statement(self.kind, self.threshold, self.clock, self.target_pct)
