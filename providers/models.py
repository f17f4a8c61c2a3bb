from django.db import models
from simple_history.models import HistoricalRecords

from core.models import ReferenceData, code_validator

from .choices import ProviderKind


class ServiceProvider(ReferenceData):
    """A global or regional shared-service centre or large office that serves client entities.

    Its duty station's calendar is the clock of every service record it delivers.
    """

    code = models.CharField(max_length=16, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=ProviderKind.choices)
    duty_station = models.ForeignKey(
        "core.DutyStation", on_delete=models.PROTECT, related_name="providers"
    )
    entity = models.ForeignKey(
        "clients.ClientEntity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="provider_units",
        help_text="The Secretariat entity this provider belongs to.",
    )
    description = models.TextField(blank=True)
    contact = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"
