"""Models every app shares: the provenance of reference data and the duty-station calendars."""

import datetime as dt
from decimal import Decimal
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from .choices import AuditChannel, AuditKind

code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]*$", "Use upper-case letters, digits and hyphens, e.g. RSCE or HR-ONB."
)
DIGITS_ONLY_CODE = "A code has at least one letter or hyphen: digits only would read as an id."
country_validator = RegexValidator(r"^[A-Z]{2}$", "Use an ISO 3166-1 alpha-2 code, e.g. KE.")


class ReferenceData(models.Model):
    """Where a reference row comes from, and how far it was verified.

    Rows whose ``verification`` starts with "illustrative" (or that say "not
    verified") were made up or not checked: pages label them as such.
    """

    source = models.TextField(blank=True)
    verification = models.TextField(blank=True)

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        # A code is never digits only: the API names an object by its id (digits) or its
        # code, so the two must never be taken for each other (core.api.keys).
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        code = getattr(self, "code", None)
        if isinstance(code, str) and code.isdigit() and "code" not in (exclude or ()):
            errors.setdefault("code", []).append(
                ValidationError(DIGITS_ONLY_CODE, code="digits_only")
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_illustrative(self) -> bool:
        text = self.verification.lower()
        return text.startswith("illustrative") or "not verified" in text or not text


def validate_timezone(value: str) -> None:
    if value not in _timezones():
        raise ValidationError(f"'{value}' is not an IANA time zone, e.g. Africa/Nairobi.")


def _timezones() -> frozenset[str]:
    global _TIMEZONES
    if _TIMEZONES is None:
        _TIMEZONES = frozenset(available_timezones())
    return _TIMEZONES


_TIMEZONES: frozenset[str] | None = None

# A holiday's year, as far as records are measured (records refuse instants outside it too).
HOLIDAY_YEARS = (1990, 2100)
# Holidays of one duty station: about twenty a year for fifty years.
MAX_HOLIDAYS = 1000


def holiday_date_problem(day) -> str | None:
    """Why ``day`` cannot be a holiday, or ``None``."""
    first, last = HOLIDAY_YEARS
    if not first <= day.year <= last:
        return f"{day.isoformat()} is outside the years {first} to {last}"
    return None


class DutyStation(ReferenceData):
    """A duty station and its work calendar (DOMAIN §3).

    ``working_hours`` maps ``mon``..``sun`` to local intervals
    ``[["08:00", "12:30"], ["13:30", "17:00"]]``; holidays are separate rows.
    The clock of a service record runs on its provider's duty-station calendar.
    """

    code = models.CharField(max_length=8, unique=True, validators=[code_validator])
    name = models.CharField(max_length=120)
    country = models.CharField(max_length=2, validators=[country_validator])
    timezone = models.CharField(max_length=64, validators=[validate_timezone])
    working_hours = models.JSONField(default=dict)
    working_day_hours = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal(8),
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal(24))],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self):
        from core.clock import ClockError, WorkCalendar

        try:
            WorkCalendar.from_json(self.calendar_json(holidays=[]))
        except ClockError as exc:
            raise ValidationError({"working_hours": str(exc)}) from exc

    def calendar_json(self, holidays=None) -> dict:
        """The calendar in its JSON form (DOMAIN §3)."""
        if holidays is None:
            holidays = [h.date.isoformat() for h in self.holidays.all()]
        return {
            "code": self.code,
            "name": self.name,
            "timezone": self.timezone,
            "working_hours": self.working_hours,
            "holidays": sorted(holidays),
            "working_day_hours": self.working_day_hours,
        }

    def work_calendar(self):
        """The clock's calendar for this duty station (uses prefetched holidays if any)."""
        from core.clock import WorkCalendar

        return WorkCalendar.from_json(self.calendar_json())


class Holiday(ReferenceData):
    """A whole local date that is not worked at a duty station."""

    duty_station = models.ForeignKey(DutyStation, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField()
    name = models.CharField(max_length=120, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["duty_station", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["duty_station", "date"], name="%(app_label)s_%(class)s_unique_station_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.duty_station.code} {self.date:%Y-%m-%d} {self.name}".strip()

    def clean(self):
        # (After a field error, ``date`` may still hold the text that was refused.)
        problem = holiday_date_problem(self.date) if isinstance(self.date, dt.date) else None
        if problem:
            raise ValidationError({"date": f"{problem}."})
        if self.duty_station_id is None:
            return
        others = Holiday.objects.filter(duty_station_id=self.duty_station_id).exclude(pk=self.pk)
        if others.count() >= MAX_HOLIDAYS:
            raise ValidationError(
                {"duty_station": f"{self.duty_station.code} already has {MAX_HOLIDAYS} holidays."}
            )


class AuditEntry(models.Model):
    """One write: who (a user, or "system" for tasks and commands), when, through what
    (page, API, import, task), to which object, and the fields it changed.

    Written by ``core.audit`` for every save and delete of the portal's models and for
    each bulk write (an import applied, a compliance run); searched by catalogue managers
    and management on /audit/ and /api/v1/audit/.
    """

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(
        max_length=150, help_text="The username at the time, or 'system'."
    )
    channel = models.CharField(max_length=16, choices=AuditChannel.choices)
    kind = models.CharField(max_length=16, choices=AuditKind.choices)
    action = models.CharField(max_length=64, help_text="e.g. sla.sla.changed, records.imported")
    model = models.CharField(max_length=100, help_text="app_label.model of the object")
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    run_id = models.CharField(
        max_length=64, blank=True, help_text="The task or import run that wrote it."
    )
    path = models.CharField(max_length=200, blank=True, help_text="The page or API path.")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["model", "object_id"]),
            models.Index(fields=["actor_label", "-at"]),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def change_lines(self) -> list[tuple[str, str]]:
        """(field, "old → new") for changes, (name, value) for an action's figures."""
        lines = []
        for name, value in (self.changes or {}).items():
            if isinstance(value, list) and len(value) == 2:
                old, new = ("—" if v is None else v for v in value)
                value = new if self.kind == AuditKind.CREATED else f"{old} → {new}"
            lines.append((name, str(value)))
        return lines
