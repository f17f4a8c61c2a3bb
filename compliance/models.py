"""Compliance results per month (DOMAIN §5) and the log of the runs that computed them."""

from decimal import Decimal

from django.db import models
from django.db.models import Q

from catalogue.choices import MeasureKind
from core.months import PROVISIONAL

from .choices import MIN_ANSWERS_SHOWN, ComplianceScope, ComplianceStatus, RunStatus

# Survey anonymity (the threshold of the survey results pages): a satisfaction figure from
# fewer than MIN_ANSWERS_SHOWN answers would let anyone read off individual answers, so
# its eligible, met, attainment and status are withheld wherever results are shown. The
# stored numbers stay as DOMAIN §5 defines them; only what is shown changes.
WITHHELD_NOTE = f"fewer than {MIN_ANSWERS_SHOWN} answers"


def figures_withheld(*, only_satisfaction: bool, eligible: int | None) -> bool:
    """Whether the figures of a result, or of a sum of results, are withheld: they come
    from satisfaction results alone and count 1 to MIN_ANSWERS_SHOWN - 1 answers."""
    return only_satisfaction and 0 < (eligible or 0) < MIN_ANSWERS_SHOWN


# The same rule for one result, as a filter (breach lists, status filters).
WITHHELD_RESULTS = Q(kind=MeasureKind.SATISFACTION, eligible__gt=0, eligible__lt=MIN_ANSWERS_SHOWN)


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

    # For templates: {{ result.WITHHELD_NOTE }}, {{ result.PROVISIONAL }}.
    WITHHELD_NOTE = WITHHELD_NOTE
    PROVISIONAL = PROVISIONAL

    @property
    def figures_withheld(self) -> bool:
        """Survey anonymity: see ``figures_withheld``."""
        return figures_withheld(
            only_satisfaction=self.kind == MeasureKind.SATISFACTION, eligible=self.eligible
        )


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
        indexes = [
            models.Index(fields=["provider", "period", "-started_at"]),
            # "computed N minutes ago" on every compliance page and dashboard (the latest
            # finished run, overall or of some providers) without reading every run.
            models.Index(fields=["finished_at"], name="compliance_run_finished_idx"),
            models.Index(fields=["provider", "finished_at"], name="compliance_run_prov_fin_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.period:%Y-%m} {self.status}"
