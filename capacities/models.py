"""Support capacities (DOMAIN §9): what a client entity runs itself at a duty station for a
functional area (its posts and, optionally, their annual cost), or which provider serves it
there; and the hardship class of each duty station, the reference data the duplication
analysis reads beside them.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.currencies import currencies, round_amount
from core.models import ReferenceData

from .choices import (
    COST_DECIMAL_PLACES,
    COST_MAX,
    POSTS_DECIMAL_PLACES,
    POSTS_MAX,
    POSTS_MIN,
    SOURCE_MAX,
    HardshipClass,
)


class SupportCapacity(models.Model):
    """One client entity's support for one functional area at one duty station: run
    in-house (``posts``, full-time equivalents, and optionally ``annual_cost`` in
    ``currency``) or ``served_by`` a provider (then no posts and no cost of its own).

    ``is_demo`` marks illustrative demo rows (``seed_demo``); ``source`` says where the
    figures come from (a staffing table, a budget document)."""

    client = models.ForeignKey(
        "clients.ClientEntity", on_delete=models.PROTECT, related_name="support_capacities"
    )
    duty_station = models.ForeignKey(
        "core.DutyStation", on_delete=models.PROTECT, related_name="support_capacities"
    )
    area = models.ForeignKey(
        "catalogue.FunctionalArea", on_delete=models.PROTECT, related_name="support_capacities"
    )
    served_by = models.ForeignKey(
        "providers.ServiceProvider",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="served_capacities",
        help_text="The provider that serves the entity here; empty when it runs its own.",
    )
    posts = models.DecimalField(
        max_digits=7,
        decimal_places=POSTS_DECIMAL_PLACES,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(POSTS_MIN, "Give more than 0 posts (e.g. 0.5 for a half-time post)."),
            MaxValueValidator(POSTS_MAX, f"Give at most {POSTS_MAX:,} posts."),
        ],
        help_text="Full-time equivalents, e.g. 3.5.",
    )
    annual_cost = models.DecimalField(
        max_digits=16,
        decimal_places=COST_DECIMAL_PLACES,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(0, "A cost is not negative."),
            MaxValueValidator(COST_MAX, f"Give at most {COST_MAX:,} a year."),
        ],
        help_text="What the posts cost a year, in the currency given.",
    )
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217 code, e.g. USD.")
    source = models.CharField(max_length=SOURCE_MAX, blank=True)
    is_demo = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["client__code", "duty_station__code", "area__code"]
        verbose_name_plural = "support capacities"
        constraints = [
            models.UniqueConstraint(
                fields=["client", "duty_station", "area"],
                name="%(app_label)s_%(class)s_unique_client_station_area",
            ),
            models.CheckConstraint(
                condition=(
                    Q(served_by__isnull=True, posts__gt=0)
                    | Q(served_by__isnull=False, posts__isnull=True, annual_cost__isnull=True)
                ),
                name="%(app_label)s_%(class)s_posts_or_served_by",
                violation_error_message=(
                    "Give either the posts of the entity's own team or the provider that "
                    "serves it, not both."
                ),
            ),
        ]
        indexes = [models.Index(fields=["duty_station", "area"])]

    def __str__(self) -> str:
        return f"{self.client.code} · {self.area.code} at {self.duty_station.code}"

    @property
    def in_house(self) -> bool:
        return self.served_by_id is None

    @property
    def illustrative(self) -> bool:
        return self.is_demo

    def clean(self):
        errors: dict[str, list[str]] = {}
        if "\x00" in (self.source or ""):
            errors["source"] = ["Remove the NUL character."]
        if self.served_by_id is not None:
            for name in ("posts", "annual_cost", "currency"):
                if getattr(self, name) not in (None, ""):
                    errors[name] = [
                        "A capacity served by a provider has no posts or cost of its own: "
                        "leave it empty, or remove the provider to record an in-house team."
                    ]
        else:
            if self.posts is None:
                errors["posts"] = ["Give the posts of the entity's own team, or the provider."]
            errors.update(self._cost_errors())
        if errors:
            raise ValidationError(errors)
        self._check_unique()

    def _cost_errors(self) -> dict[str, list[str]]:
        """An in-house team's cost: with an accepted currency, in its minor unit."""
        errors: dict[str, list[str]] = {}
        if self.currency and self.currency not in currencies():
            errors["currency"] = [
                f"'{self.currency[:10]}' is not a currency the portal accepts: use an ISO 4217 "
                "code such as USD, EUR, CHF or KES."
            ]
        elif self.annual_cost is not None and not self.currency:
            errors["currency"] = ["Give the currency of the annual cost."]
        elif self.currency and self.annual_cost is None:
            errors["annual_cost"] = ["Give the annual cost, or leave the currency empty."]
        elif (
            self.annual_cost is not None
            and 0 <= self.annual_cost <= COST_MAX
            and round_amount(self.annual_cost, self.currency) != self.annual_cost
        ):
            places = currencies()[self.currency].minor_unit
            errors["annual_cost"] = [f"{self.currency} has {places} decimals: round the cost."]
        return errors

    def _check_unique(self) -> None:
        if self.client_id and self.duty_station_id and self.area_id:
            taken = SupportCapacity.objects.filter(
                client_id=self.client_id, duty_station_id=self.duty_station_id, area_id=self.area_id
            ).exclude(pk=self.pk)
            if taken.exists():
                raise ValidationError(
                    {
                        "area": [
                            f"{self.client.code} already has a capacity for {self.area.code} at "
                            f"{self.duty_station.code}: change that one."
                        ]
                    }
                )


class HardshipClassification(ReferenceData):
    """The ICSC hardship class of a duty station (A to E, or H), as of a date. Loaded from
    ``reference/hardship_classes.csv``; a class not checked against the ICSC's published
    list is illustrative and says so."""

    duty_station = models.OneToOneField(
        "core.DutyStation", on_delete=models.CASCADE, related_name="hardship"
    )
    hardship_class = models.CharField(max_length=1, choices=HardshipClass.choices)
    as_of = models.DateField(help_text="The date the class applies from.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["duty_station__code"]

    def __str__(self) -> str:
        return f"{self.duty_station.code}: {self.hardship_class}"
