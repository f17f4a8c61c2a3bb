from django.db import models
from simple_history.models import HistoricalRecords

from core.models import ReferenceData, code_validator, country_validator

from .choices import EntityType, Pillar


class ClientEntity(ReferenceData):
    """A Secretariat entity that receives services: a department, office, mission, RCO..."""

    code = models.CharField(max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=32, choices=EntityType.choices)
    pillar = models.CharField(max_length=40, choices=Pillar.choices, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    duty_station = models.ForeignKey(
        "core.DutyStation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    country = models.CharField(max_length=2, validators=[country_validator])
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "client entities"
        indexes = [models.Index(fields=["type", "active"])]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"
