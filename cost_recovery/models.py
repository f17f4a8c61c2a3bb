"""Cost recovery (DOMAIN §10): the rate card of every offering, the monthly statements
between a provider and a client entity with their lines, and the notices sent when a client
runs over its SLA's expected volume.

A rate is stored only here: the catalogue shows the rate in force from this card (it reads
the ``rates`` relation by name), so the two never disagree.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from core.currencies import currencies, rate_text
from core.models import ReferenceData

from .choices import (
    FIRST_DAY,
    LAST_DAY,
    RATE_DECIMAL_PLACES,
    RATE_MAX,
    STORED_STATUSES,
    StatementStatus,
)

# A rate's days lie from 2000 to 2100: beyond, no record can be (and a date such as year 1
# cannot be turned into an instant in every time zone).
DAY_VALIDATORS = [
    MinValueValidator(FIRST_DAY, "Give a day from 2000-01-01."),
    MaxValueValidator(LAST_DAY, "Give a day up to 2100-12-31."),
]


class Rate(ReferenceData):
    """The price of one unit of an offering (provider × service) from ``valid_from`` to
    ``valid_to`` (both local dates of the provider, included; open-ended without an end).

    Rules (``clean``, and the services that take a lock on the offering first): the rates of
    one offering never overlap; a rate is not negative; its currency is one the portal
    accepts (``reference/currencies.csv``), and every rate of one provider is in the same
    currency, so that its statements add up. ``charge_defective``: defective deliveries are
    charged too (by default they are not).
    """

    offering = models.ForeignKey(
        "catalogue.Offering", on_delete=models.CASCADE, related_name="rates"
    )
    rate = models.DecimalField(
        max_digits=14,
        decimal_places=RATE_DECIMAL_PLACES,
        validators=[MinValueValidator(0), MaxValueValidator(RATE_MAX)],
        help_text="The price of one unit, e.g. 16.80.",
    )
    currency = models.CharField(max_length=3, help_text="ISO 4217 code, e.g. USD.")
    valid_from = models.DateField(
        validators=DAY_VALIDATORS, help_text="First day the rate applies (provider's time)."
    )
    valid_to = models.DateField(
        null=True,
        blank=True,
        validators=DAY_VALIDATORS,
        help_text="Last day the rate applies; empty while in force.",
    )
    charge_defective = models.BooleanField(
        default=False, help_text="Charge deliveries that had to be corrected or redone."
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["offering__provider__code", "offering__service__code", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate__gte=0), name="%(app_label)s_%(class)s_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="%(app_label)s_%(class)s_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["offering", "valid_from"], name="%(app_label)s_%(class)s_unique_start"
            ),
        ]

    def __str__(self) -> str:
        until = f"{self.valid_to:%Y-%m-%d}" if self.valid_to else "…"
        return (
            f"{self.offering} {rate_text(self.rate, self.currency)} {self.currency} "
            f"({self.valid_from:%Y-%m-%d} – {until})"
        )

    def applies_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def clean(self):
        errors: dict[str, list[str]] = {}
        if self.currency and self.currency not in currencies():
            errors["currency"] = [
                f"'{self.currency[:10]}' is not a currency the portal accepts: use an ISO 4217 "
                "code such as USD, EUR, CHF, KWD or JPY."
            ]
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = ["The last day is before the first day."]
        if errors:
            raise ValidationError(errors)
        if not (self.offering_id and self.valid_from):
            return
        others = Rate.objects.filter(offering_id=self.offering_id).exclude(pk=self.pk)
        overlapping = others.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from),
            **({"valid_from__lte": self.valid_to} if self.valid_to else {}),
        ).first()
        if overlapping is not None:
            raise ValidationError(
                {
                    "valid_from": [
                        f"This period overlaps the rate {rate_text(overlapping.rate)} "
                        f"{overlapping.currency} in force from {overlapping.valid_from:%Y-%m-%d}"
                        + (
                            f" to {overlapping.valid_to:%Y-%m-%d}"
                            if overlapping.valid_to
                            else " with no end"
                        )
                        + ": end that rate first (give it a last day before this one starts)."
                    ]
                }
            )
        other_currency = (
            Rate.objects.filter(offering__provider_id=self.offering.provider_id)
            .exclude(pk=self.pk)
            .exclude(currency=self.currency)
            .values_list("currency", flat=True)
            .first()
        )
        if other_currency:
            raise ValidationError(
                {
                    "currency": [
                        f"{self.offering.provider.code}'s rates are in {other_currency}: every "
                        "rate of a provider is in one currency, so that its statements add up."
                    ]
                }
            )


class Statement(models.Model):
    """An issued statement of what a client entity owes a provider for a month (the
    provider's local month of completion, DOMAIN §5 and §10), frozen with its lines.

    A draft is never stored: it is computed from the records whenever it is read
    (``cost_recovery.selectors.statement_for``). Issuing stores the lines it showed, the
    adjustments of months issued before included; later changes to the records never
    change it, they become adjustment lines of the next statement issued.
    """

    provider = models.ForeignKey(
        "providers.ServiceProvider", on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey("clients.ClientEntity", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text="First day of the month, provider's local time.")
    status = models.CharField(
        max_length=16,
        choices=[(s.value, s.label) for s in STORED_STATUSES],
        default=StatementStatus.ISSUED,
    )
    currency = models.CharField(max_length=3, blank=True)
    total = models.DecimalField(max_digits=20, decimal_places=RATE_DECIMAL_PLACES)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField(blank=True, help_text="The client's comment (a dispute's reason).")
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-month", "provider__code", "client__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "client", "month"],
                name="%(app_label)s_%(class)s_unique_month",
            )
        ]
        indexes = [models.Index(fields=["client", "month"])]

    def __str__(self) -> str:
        return f"{self.provider.code} → {self.client.code} {self.month:%Y-%m}"


class StatementLine(models.Model):
    """One line of an issued statement: a service at one rate, the quantity and the amount
    (quantity × rate, rounded half-up to the currency's minor unit). An adjustment line
    (``adjusts``: the month it belongs to) carries the difference between what that month's
    records now give and what was issued for it; its quantity may be negative."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    service = models.ForeignKey("catalogue.Service", on_delete=models.PROTECT, related_name="+")
    rate = models.DecimalField(max_digits=14, decimal_places=RATE_DECIMAL_PLACES)
    quantity = models.IntegerField()
    amount = models.DecimalField(max_digits=20, decimal_places=RATE_DECIMAL_PLACES)
    adjusts = models.DateField(
        null=True, blank=True, help_text="The month an adjustment line belongs to."
    )

    class Meta:
        ordering = ["statement", F("adjusts").asc(nulls_first=True), "service__code", "rate"]

    def __str__(self) -> str:
        return f"{self.statement} {self.service.code} {self.quantity} × {self.rate}"


class VolumeNotice(models.Model):
    """The notice sent once when a client ran over an SLA line's expected volume (at least
    ``VOLUME_NOTICE_OVER_PCT`` percent above the volume expected to date)."""

    line = models.OneToOneField("sla.SlaLine", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()
    actual = models.PositiveIntegerField()
    expected_to_date = models.DecimalField(max_digits=16, decimal_places=2)

    def __str__(self) -> str:
        return f"line {self.line_id}: {self.actual} against {self.expected_to_date}"
