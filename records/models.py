"""Service records, their imports, and the months waiting for the compliance engine."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from .choices import ImportStatus, RecordStatus


class ServiceRecord(models.Model):
    """One delivery of one catalogue service by one provider to one client entity (DOMAIN §4).

    The elapsed values are measured on the provider's duty-station calendar (``calendar``)
    when the record is stored and whenever it or that calendar changes; they are empty
    while the record is open. ``completed_month`` is the first day of the calendar month,
    in the provider's time zone, of ``completed_at``: the month compliance counts it in.
    """

    # No single-column index on provider or client: each is the first column of a
    # composite index below (and provider of the unique constraint), which serves the same
    # lookups; one index less to fill for every imported row.
    provider = models.ForeignKey(
        "providers.ServiceProvider",
        on_delete=models.PROTECT,
        related_name="records",
        db_index=False,
    )
    client = models.ForeignKey(
        "clients.ClientEntity", on_delete=models.PROTECT, related_name="records", db_index=False
    )
    service = models.ForeignKey(
        "catalogue.Service", on_delete=models.PROTECT, related_name="records"
    )
    external_ref = models.CharField(max_length=100)
    received_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=RecordStatus.choices)
    defective = models.BooleanField(default=False)
    pauses = models.JSONField(
        default=list, blank=True, help_text='[{"start": ISO 8601, "end": ISO 8601}, ...]'
    )
    calendar = models.ForeignKey(
        "core.DutyStation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The duty-station calendar the elapsed values were measured on.",
    )
    elapsed_working_seconds = models.BigIntegerField(null=True, blank=True)
    elapsed_calendar_seconds = models.BigIntegerField(null=True, blank=True)
    completed_month = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "external_ref"],
                name="%(app_label)s_%(class)s_unique_provider_ref",
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True)
                | Q(completed_at__gte=models.F("received_at")),
                name="%(app_label)s_%(class)s_completed_after_received",
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "service", "completed_month"]),
            models.Index(fields=["client", "completed_month"]),
            models.Index(fields=["status", "provider"]),
            models.Index(fields=["received_at"]),
            # The compliance engine reads every open record of some providers by service
            # in order of receipt; open records are a few percent of the table, so a
            # partial index that holds what it reads spares a visit to most of its pages.
            models.Index(
                fields=["provider", "service", "received_at", "id"],
                include=["client", "pauses"],
                condition=Q(status="open"),
                name="records_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider.code} {self.external_ref}"

    def pause_intervals(self) -> list[tuple[dt.datetime, dt.datetime]]:
        """The stored pauses as (start, end) aware datetimes, for the clock."""
        return pause_intervals(self.pauses)


def pause_intervals(pauses: list[dict]) -> list[tuple[dt.datetime, dt.datetime]]:
    """Stored pauses (``[{"start": ISO, "end": ISO}, ...]``) as (start, end) datetimes."""
    return [
        (dt.datetime.fromisoformat(p["start"]), dt.datetime.fromisoformat(p["end"])) for p in pauses
    ]


class RecordImport(models.Model):
    """One CSV or bulk upload of service records: its validation report and its outcome.

    Valid rows wait in ``RecordStagingRow`` until the import is confirmed; nothing reaches
    ``ServiceRecord`` before that, and a file with a bad row stores nothing unless the
    caller asked to keep the good rows.
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    provider = models.ForeignKey(
        "providers.ServiceProvider",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="The provider the uploader acts for; empty for a global user.",
    )
    filename = models.CharField(max_length=255, blank=True)
    source = models.FileField(upload_to="record-imports/%Y/%m/", blank=True)
    keep_good_rows = models.BooleanField(default=False)
    apply_when_valid = models.BooleanField(
        default=False, help_text="Apply without waiting for a confirmation (API, command)."
    )
    status = models.CharField(
        max_length=16, choices=ImportStatus.choices, default=ImportStatus.VALIDATING
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_valid = models.PositiveIntegerField(default=0)
    rows_processed = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    # A warning, not an error (DOMAIN §9): valid rows whose provider was not designated for
    # their client and service on their received date; they are imported all the same.
    undesignated_count = models.PositiveIntegerField(default=0)
    undesignated_sample = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.VALIDATING, ImportStatus.IMPORTING)


class RecordImportError(models.Model):
    """One reason a row of an import was rejected: line, column and reason."""

    record_import = models.ForeignKey(RecordImport, on_delete=models.CASCADE, related_name="errors")
    line = models.PositiveIntegerField()
    column = models.CharField(max_length=40, blank=True)
    message = models.CharField(max_length=500)

    class Meta:
        ordering = ["line", "id"]

    def __str__(self) -> str:
        return f"line {self.line}, {self.column or 'file'}: {self.message}"


class RecordStagingRow(models.Model):
    """A validated row waiting for its import to be confirmed (filled by COPY on PostgreSQL).

    A scratch table, built for bulk writes: on PostgreSQL it is UNLOGGED (migration 0001;
    emptied if the server crashes, and an import whose staged rows are gone asks for the
    file again), and ``record_import`` has no database constraint and no index of its own
    (the composite index starts with it). Deleting an import still deletes its staged rows:
    the ORM applies ``CASCADE`` itself.
    """

    record_import = models.ForeignKey(
        RecordImport,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    line = models.PositiveIntegerField()
    provider_id = models.BigIntegerField()
    client_id = models.BigIntegerField()
    service_id = models.BigIntegerField()
    external_ref = models.CharField(max_length=100)
    received_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True)
    status = models.CharField(max_length=16)
    defective = models.BooleanField()
    pauses = models.JSONField(default=list)
    calendar_id = models.BigIntegerField()
    elapsed_working_seconds = models.BigIntegerField(null=True)
    elapsed_calendar_seconds = models.BigIntegerField(null=True)
    completed_month = models.DateField(null=True)
    received_month = models.DateField()
    # Filled when the import is applied: the record this row updates, and whether it differs.
    existing_id = models.BigIntegerField(null=True)
    changed = models.BooleanField(null=True)

    class Meta:
        indexes = [models.Index(fields=["record_import", "provider_id", "external_ref"])]

    def __str__(self) -> str:
        return f"import {self.record_import_id} line {self.line}"


class PendingRemeasure(models.Model):
    """A duty station whose calendar (hours, zone or holidays) changed, and whose records
    must be measured again. Marked in the change's own transaction, so that a broker that
    cannot be reached, or a worker lost mid-run, only delays the re-measure: the scheduled
    ``sla.remeasure_pending`` run sends it again. A re-measure deletes the mark it saw when
    it started, and leaves a newer one."""

    duty_station = models.OneToOneField(
        "core.DutyStation", on_delete=models.CASCADE, related_name="+"
    )
    marked_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.duty_station_id} since {self.marked_at:%Y-%m-%d %H:%M}"


class PendingCompliance(models.Model):
    """A (provider, month) whose compliance must be computed again (records, calendar or
    targets changed). The compliance engine takes these and deletes them when done."""

    provider = models.ForeignKey(
        "providers.ServiceProvider", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(help_text="First day of the month, provider's local time.")
    marked_at = models.DateTimeField(auto_now=True)
    # When the month was first marked: marking it again moves ``marked_at`` on but not this,
    # so a month marked over and over but never computed still shows how long it has waited
    # (the compliance lag of the readiness probe and the metrics). A database default, since
    # the import marks months in SQL.
    pending_since = models.DateTimeField(db_default=Now())

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "month"], name="%(app_label)s_%(class)s_unique_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.month:%Y-%m}"
