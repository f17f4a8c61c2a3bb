"""Compliance results per month (DOMAIN §5) and the log of the runs that computed them."""

from decimal import Decimal

from django.db import models

from ..choices import ComplianceScope, ComplianceStatus, RunStatus


class ComplianceResult(models.Model):
    """One measure over one month: a minimum service standard for a provider (scope
    ``mss``), or an SLA target (scope ``sla``).

    ``key`` is the natural key (``mss:<standard>:<provider>:<YYYY-MM>`` or
    ``sla:<target>:<YYYY-MM>``), unique, so recomputing upserts instead of duplicating.
    """

    key = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=8, choices=ComplianceScope.choices)
    period = models.DateField(help_text="First day of the month, provider's local time.")
    provider = models.ForeignKey(
        "providers.ServiceProvider", on_delete=models.CASCADE, related_name="+"
    )
    client = models.ForeignKey(
        "clients.ClientEntity", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    service = models.ForeignKey("catalogue.Service", on_delete=models.CASCADE, related_name="+")
    standard = models.ForeignKey(
        "catalogue.MinimumServiceStandard", on_delete=models.CASCADE, related_name="+"
    )
    sla = models.ForeignKey(
        "sla.Sla", null=True, blank=True, on_delete=models.CASCADE, related_name="results"
    )
    target = models.ForeignKey(
        "sla.ServiceLevelTarget",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="results",
    )
    kind = models.CharField(max_length=16)
    threshold = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    clock = models.CharField(max_length=16, blank=True)
    target_pct = models.DecimalField(max_digits=6, decimal_places=3)
    eligible = models.PositiveIntegerField()
    met = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=ComplianceStatus.choices)
    provisional = models.BooleanField()
    overdue_open = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()
    breach_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period", "provider_id", "standard_id"]
        indexes = [
            models.Index(fields=["provider", "period"]),
            models.Index(fields=["period", "scope", "status"]),
            models.Index(fields=["sla", "period"]),
            models.Index(fields=["client", "period"]),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def attainment(self) -> Decimal | None:
        """met / eligible as a decimal fraction (None when nothing was eligible)."""
        if not self.eligible:
            return None
        return (Decimal(self.met) / Decimal(self.eligible)).quantize(Decimal("0.0001"))


class ComplianceRun(models.Model):
    """One computation of one provider's month: when, what it wrote, how it ended."""

    provider = models.ForeignKey(
        "providers.ServiceProvider", on_delete=models.CASCADE, related_name="+"
    )
    period = models.DateField()
    trigger = models.CharField(max_length=32, default="pending")
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_written = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["provider", "period", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.period:%Y-%m} {self.status}"
