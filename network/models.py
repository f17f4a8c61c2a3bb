"""Where each duty station is, for the network map (DOMAIN §9)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from core.models import ReferenceData


class DutyStationLocation(ReferenceData):
    """The latitude and longitude of a duty station (WGS 84 degrees), with their source.

    Kept beside the duty station rather than on it: only the network map needs them, and
    each comes with its own source (``reference/duty_station_locations.csv``).
    """

    duty_station = models.OneToOneField(
        "core.DutyStation", on_delete=models.CASCADE, related_name="location"
    )
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["duty_station__code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90)
                & models.Q(longitude__gte=-180, longitude__lte=180),
                name="%(app_label)s_%(class)s_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.duty_station.code} {self.latitude}, {self.longitude}"
