"""Validating rows against the catalogue and the clock, and measuring them (DOMAIN §3–§4)."""

import datetime as dt
import json
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Prefetch

from catalogue.models import Offering, Service
from clients.models import ClientEntity
from core.clock import (
    ClockError,
    WorkCalendar,
    elapsed_calendar_seconds,
    elapsed_working_seconds,
    validate_interval,
)
from core.models import DutyStation, Holiday
from providers.models import ServiceProvider

from ..choices import RecordStatus
from .parse import RawRow

UTC = dt.UTC
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EARLIEST = dt.datetime(1990, 1, 1, tzinfo=UTC)
LATEST_YEAR = 2100
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


@dataclass(frozen=True)
class StagedRecord:
    """A valid row, measured on its provider's calendar, ready to be stored."""

    line: int
    provider_id: int
    client_id: int
    service_id: int
    external_ref: str
    received_at: dt.datetime
    completed_at: dt.datetime | None
    status: str
    defective: bool
    pauses: list[dict[str, str]]
    calendar_id: int
    elapsed_working_seconds: int | None
    elapsed_calendar_seconds: int | None
    completed_month: dt.date | None
    received_month: dt.date


@dataclass(frozen=True)
class _Provider:
    id: int
    code: str
    calendar_id: int
    zone: ZoneInfo
    calendar: WorkCalendar


class ImportContext:
    """Everything a row is checked against, loaded once per import (a few queries).

    ``allowed_provider_ids`` limits the providers a caller may import for (provider
    staff and integrations: their own); ``None`` allows every provider.
    """

    def __init__(self, *, allowed_provider_ids: frozenset[int] | None = None):
        self.allowed_provider_ids = allowed_provider_ids
        stations = DutyStation.objects.prefetch_related(
            Prefetch("holidays", queryset=Holiday.objects.only("duty_station_id", "date"))
        )
        calendars = {s.pk: (ZoneInfo(s.timezone), s.work_calendar()) for s in stations}
        self.providers = {
            code: _Provider(pk, code, station_id, *calendars[station_id])
            for pk, code, station_id in ServiceProvider.objects.values_list(
                "pk", "code", "duty_station_id"
            )
        }
        self.provider_codes = {p.id: p.code for p in self.providers.values()}
        self.clients = dict(ClientEntity.objects.values_list("code", "pk"))
        self.services = dict(Service.objects.values_list("code", "pk"))
        self.offerings = set(Offering.objects.values_list("provider_id", "service_id"))

    def provider_by_id(self, provider_id: int) -> _Provider:
        return self.providers[self.provider_codes[provider_id]]


def _text(values: dict, name: str) -> str:
    value = values.get(name)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def parse_instant(text: str, zone: ZoneInfo) -> dt.datetime:
    """An ISO 8601 instant: absolute with an offset, else the provider's local time;
    a bare date means 00:00 local. Local times that do not exist (the hour skipped when
    clocks go forward) are rejected; ambiguous ones take the first occurrence."""
    try:
        if DATE_RE.match(text):
            value = dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
        else:
            value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"'{text[:40]}' is not a valid ISO 8601 date or date-time, "
            "e.g. 2026-01-05 or 2026-01-05T09:30:00+03:00"
        ) from None
    if not EARLIEST.year <= value.year <= LATEST_YEAR:  # before any zone arithmetic overflows
        raise ValueError(f"{text[:40]} is out of range (1990 to {LATEST_YEAR})")
    if value.tzinfo is None:
        local = value.replace(tzinfo=zone)
        if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != value:
            raise ValueError(
                f"{text[:40]} does not exist in {zone.key} (clocks went forward); "
                "give an offset or a real local time"
            )
        value = local
    if value.year > LATEST_YEAR or value < EARLIEST:
        raise ValueError(f"{text[:40]} is out of range (1990 to {LATEST_YEAR})")
    return value.astimezone(UTC).replace(microsecond=0)


def _pauses(raw, zone: ZoneInfo) -> list[tuple[dt.datetime, dt.datetime]]:
    """Pauses as ``start/end;start/end`` (CSV) or a list of {"start", "end"} (JSON)."""
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        items = []
        for n, part in enumerate([p for p in raw.split(";") if p.strip()], start=1):
            if part.count("/") != 1:
                raise ValueError(f"pause {n} '{part.strip()[:60]}' is not an interval start/end")
            start, end = part.split("/")
            items.append((start.strip(), end.strip()))
    elif isinstance(raw, list):
        items = []
        for n, item in enumerate(raw, start=1):
            if not isinstance(item, dict) or set(item) != {"start", "end"}:
                raise ValueError(f'pause {n} must be an object {{"start": ..., "end": ...}}')
            items.append((str(item["start"]).strip(), str(item["end"]).strip()))
    else:
        raise ValueError("pauses must be text start/end;... or a list of intervals")
    if len(items) > 200:
        raise ValueError("more than 200 pauses")
    return [(parse_instant(s, zone), parse_instant(e, zone)) for s, e in items]


def validate_row(row: RawRow, context: ImportContext) -> StagedRecord | list[RowError]:
    """A staged record, or every error of the row (line, column, reason)."""
    line, values = row.line, row.values
    if "__width__" in values:
        return [RowError(line, values.get("__column__", ""), values["__width__"])]
    if "__unknown__" in values:
        return [RowError(line, values["__unknown__"], "unknown field")]
    errors: list[RowError] = []

    def fail(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))

    for name in ("external_ref", "provider", "client", "service", "received_at"):
        if not _text(values, name):
            fail(name, "required")
    ref = _text(values, "external_ref")
    if len(ref) > 100:
        fail("external_ref", f"longer than 100 characters ({len(ref)})")
    if CONTROL_RE.search(ref):
        fail("external_ref", "contains a control character")

    provider = context.providers.get(_text(values, "provider"))
    if _text(values, "provider") and provider is None:
        fail("provider", f"unknown provider '{_text(values, 'provider')[:40]}'")
    elif (
        provider
        and context.allowed_provider_ids is not None
        and provider.id not in context.allowed_provider_ids
    ):
        fail("provider", f"you may not import records for {provider.code}")
    client_id = context.clients.get(_text(values, "client"))
    if _text(values, "client") and client_id is None:
        fail("client", f"unknown client entity '{_text(values, 'client')[:40]}'")
    service_id = context.services.get(_text(values, "service"))
    if _text(values, "service") and service_id is None:
        fail("service", f"unknown service '{_text(values, 'service')[:40]}'")
    if provider and service_id and (provider.id, service_id) not in context.offerings:
        fail("service", f"{provider.code} does not offer {_text(values, 'service')}")

    zone = provider.zone if provider else UTC
    received = completed = None
    for name in ("received_at", "completed_at"):
        text = _text(values, name)
        if not text:
            continue
        try:
            instant = parse_instant(text, zone)
        except ValueError as exc:
            fail(name, str(exc))
            continue
        if name == "received_at":
            received = instant
        else:
            completed = instant
    if received and completed and completed < received:
        fail("completed_at", "completed_at is before received_at")

    status = _text(values, "status").lower()
    if not status:
        status = RecordStatus.COMPLETED if _text(values, "completed_at") else RecordStatus.OPEN
    elif status not in RecordStatus.values:
        fail("status", f"'{status[:20]}' is not open, completed or cancelled")
    if status == RecordStatus.COMPLETED and not _text(values, "completed_at"):
        fail("completed_at", "a completed record needs completed_at")
    if status == RecordStatus.OPEN and _text(values, "completed_at"):
        fail("status", "an open record has no completed_at")

    defective_text = _text(values, "defective").lower()
    if defective_text not in ("", "true", "false"):
        fail("defective", f"'{defective_text[:20]}' is not true or false")
    defective = defective_text == "true"

    pauses: list[tuple[dt.datetime, dt.datetime]] = []
    try:
        pauses = _pauses(values.get("pauses"), zone)
    except ValueError as exc:
        fail("pauses", str(exc))
    if received and not errors:
        try:
            validate_interval(received, completed, pauses)
        except ClockError as exc:
            fail("pauses", str(exc))
    if errors:
        return errors

    calendar = provider.calendar
    working = calendar_seconds = completed_month = None
    if completed is not None:
        working = elapsed_working_seconds(calendar, received, completed, pauses)
        calendar_seconds = elapsed_calendar_seconds(received, completed, pauses)
        local = completed.astimezone(zone)
        completed_month = dt.date(local.year, local.month, 1)
    local_received = received.astimezone(zone)
    return StagedRecord(
        line=line,
        provider_id=provider.id,
        client_id=client_id,
        service_id=service_id,
        external_ref=ref,
        received_at=received,
        completed_at=completed,
        status=status,
        defective=defective,
        pauses=[{"start": s.isoformat(), "end": e.isoformat()} for s, e in pauses],
        calendar_id=provider.calendar_id,
        elapsed_working_seconds=working,
        elapsed_calendar_seconds=calendar_seconds,
        completed_month=completed_month,
        received_month=dt.date(local_received.year, local_received.month, 1),
    )


def pauses_json(pauses: list[dict[str, str]]) -> str:
    # Django's JSONField separators: on SQLite the upsert compares the stored text.
    return json.dumps(pauses)
