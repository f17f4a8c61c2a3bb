"""Validating rows against the catalogue and the clock, and measuring them (DOMAIN §3–§4).

This runs once per row of every import (a million times for a large file), so it is
written for speed as well as clarity: each cell is read and stripped once, an instant is
one ``fromisoformat`` call plus, for a local time, a look-up in the clock's cached UTC
offsets (:func:`core.clock.localize`), the record is measured by the function that
measures every record (:func:`records.measuring.measure_record`), and the result is the
very tuple that goes to the staging table.
"""

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db.models import Prefetch

from catalogue.models import Offering, Service
from clients.models import ClientEntity
from core.clock import ClockError, WorkCalendar, localize
from core.models import DutyStation, Holiday
from providers.models import ServiceProvider

from ..choices import RecordStatus
from ..measuring import measure_record
from .parse import READ_ONLY_FIELDS, RawRow

UTC = dt.UTC
EARLIEST = dt.datetime(1990, 1, 1, tzinfo=UTC)
LATEST_YEAR = 2100
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
STATUSES = frozenset(RecordStatus.values)  # RecordStatus.values builds a new list per access
OPEN = RecordStatus.OPEN.value
COMPLETED = RecordStatus.COMPLETED.value
NO_PAUSES = "[]"
# A record's instants may not lie in the future; this much clock skew between the
# sender's clock and ours is allowed.
CLOCK_SKEW = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


class StagedRecord(NamedTuple):
    """A valid row, measured on its provider's calendar, ready to be stored.

    A plain tuple whose fields are the staging table's columns in order (all but the
    import id), so that it is written to the staging table as it is. ``pauses`` is the
    JSON text stored in the JSON column (``"[]"`` when there are none).
    """

    line: int
    provider_id: int
    client_id: int
    service_id: int
    external_ref: str
    received_at: dt.datetime
    completed_at: dt.datetime | None
    status: str
    defective: bool
    pauses: str
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
    staff and integrations: their own); ``None`` allows every provider. ``now`` is when
    the import is checked: an instant after it (beyond ``CLOCK_SKEW``) is refused.
    """

    def __init__(
        self,
        *,
        allowed_provider_ids: frozenset[int] | None = None,
        now: dt.datetime | None = None,
    ):
        self.allowed_provider_ids = allowed_provider_ids
        self.latest = (now or dt.datetime.now(UTC)) + CLOCK_SKEW
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
        self.offerings = frozenset(Offering.objects.values_list("provider_id", "service_id"))

    def provider_by_id(self, provider_id: int) -> _Provider:
        return self.providers[self.provider_codes[provider_id]]


def _clean(value: object) -> str:
    """A cell as stripped text: CSV cells are text already; JSON values may be anything."""
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _text(values: dict, name: str) -> str:
    return _clean(values.get(name))


def _first_instant_of(day: dt.date, zone: ZoneInfo) -> dt.datetime | None:
    """The first instant (UTC, whole seconds) whose local date in ``zone`` is ``day``, or
    ``None`` when no instant has that local date (a day skipped altogether).

    Only needed when local midnight does not exist (clocks go forward at 00:00): the day
    then starts at the end of the gap, e.g. 01:00 in America/Santiago on 2026-09-06.
    """
    midnight = dt.datetime.combine(day, dt.time())
    # Between the two readings of midnight (offset before and after the change) lies the
    # change itself; bisect to the second for the first instant on ``day``.
    readings = [
        midnight.replace(tzinfo=zone, fold=fold).astimezone(UTC).timestamp() for fold in (0, 1)
    ]
    low, high = int(min(readings)) - 1, int(max(readings)) + 1  # low before, high on ``day``
    while high - low > 1:
        middle = (low + high) // 2
        if dt.datetime.fromtimestamp(middle, zone).date() >= day:
            high = middle
        else:
            low = middle
    if dt.datetime.fromtimestamp(high, zone).date() != day:
        return None
    return dt.datetime.fromtimestamp(high, UTC)


def _instant(text: str, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime | None]:
    """:func:`parse_instant`, also giving the local wall time when the text had no offset
    (the provider's local time, from which its local month follows without conversion)."""
    try:
        value = dt.datetime.fromisoformat(text)  # a bare date gives 00:00
    except ValueError:
        raise ValueError(
            f"'{text[:40]}' is not a valid ISO 8601 date or date-time, "
            "e.g. 2026-01-05 or 2026-01-05T09:30:00+03:00"
        ) from None
    if not EARLIEST.year <= value.year <= LATEST_YEAR:  # before any zone arithmetic overflows
        raise ValueError(f"{text[:40]} is out of range (1990 to {LATEST_YEAR})")
    wall = None
    if value.tzinfo is None:
        wall = value
        key = getattr(zone, "key", None)
        if key:  # a named zone: its cached offsets (same rule, a few times faster)
            instant = localize(key, value)
        else:
            instant = value.replace(tzinfo=zone).astimezone(UTC)
            if instant.astimezone(zone).replace(tzinfo=None) != value:
                instant = None
        if instant is None:  # skipped when the clocks went forward
            day = _bare_date(text)
            start = None if day is None else _first_instant_of(day, zone)
            if start is None:
                raise ValueError(
                    f"{text[:40]} does not exist in {zone.key} (clocks went forward); "
                    "give an offset or a real local time"
                )
            instant, wall = start, start.astimezone(zone).replace(tzinfo=None)
    else:
        instant = value.astimezone(UTC)
    if instant < EARLIEST:
        raise ValueError(f"{text[:40]} is out of range (1990 to {LATEST_YEAR})")
    if instant.microsecond:
        instant = instant.replace(microsecond=0)
    return instant, wall


def _bare_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_instant(text: str, zone: ZoneInfo) -> dt.datetime:
    """An ISO 8601 instant (UTC, whole seconds): absolute with an offset, else the
    provider's local time.

    A bare date means 00:00 local, or the first instant of that local day when clocks go
    forward at midnight (00:00 does not exist that day). Other local times that do not
    exist (the hour skipped when clocks go forward) are rejected; ambiguous ones take the
    first occurrence."""
    return _instant(text, zone)[0]


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
                extra = (
                    [str(k)[:40] for k in item if k not in ("start", "end")]
                    if isinstance(item, dict)
                    else []
                )
                if extra:
                    names = ", ".join(f"'{k}'" for k in extra[:10])
                    raise ValueError(f"pause {n}: unknown field {names} (give start and end)")
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
        return [
            RowError(line, name, "read-only field" if name in READ_ONLY_FIELDS else "unknown field")
            for name in values["__unknown__"]
        ]
    errors: list[RowError] = []

    def fail(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))

    get = values.get
    ref = _clean(get("external_ref"))
    provider_code = _clean(get("provider"))
    client_code = _clean(get("client"))
    service_code = _clean(get("service"))
    received_text = _clean(get("received_at"))
    completed_text = _clean(get("completed_at"))
    status = _clean(get("status")).lower()
    defective_text = _clean(get("defective")).lower()
    raw_pauses = get("pauses")

    if not ref:
        fail("external_ref", "required")
    if not provider_code:
        fail("provider", "required")
    if not client_code:
        fail("client", "required")
    if not service_code:
        fail("service", "required")
    if not received_text:
        fail("received_at", "required")
    if len(ref) > 100:
        fail("external_ref", f"longer than 100 characters ({len(ref)})")
    if not ref.isprintable() and CONTROL_RE.search(ref):  # printable text has no controls
        fail("external_ref", "contains a control character")

    provider = context.providers.get(provider_code)
    if provider_code and provider is None:
        fail("provider", f"unknown provider '{provider_code[:40]}'")
    elif (
        provider
        and context.allowed_provider_ids is not None
        and provider.id not in context.allowed_provider_ids
    ):
        fail("provider", f"you may not import records for {provider.code}")
    client_id = context.clients.get(client_code)
    if client_code and client_id is None:
        fail("client", f"unknown client entity '{client_code[:40]}'")
    service_id = context.services.get(service_code)
    if service_code and service_id is None:
        fail("service", f"unknown service '{service_code[:40]}'")
    if provider and service_id and (provider.id, service_id) not in context.offerings:
        fail("service", f"{provider.code} does not offer {service_code}")

    zone = provider.zone if provider else UTC
    received = completed = received_wall = completed_wall = None
    if received_text:
        try:
            received, received_wall = _instant(received_text, zone)
        except ValueError as exc:
            fail("received_at", str(exc))
    if completed_text:
        try:
            completed, completed_wall = _instant(completed_text, zone)
        except ValueError as exc:
            fail("completed_at", str(exc))
    if received is not None and received > context.latest:
        fail("received_at", f"{received_text[:40]} is in the future")
    if completed is not None and completed > context.latest:
        fail("completed_at", f"{completed_text[:40]} is in the future")
    if received is not None and completed is not None and completed < received:
        fail("completed_at", "completed_at is before received_at")

    if not status:
        status = COMPLETED if completed_text else OPEN
    elif status not in STATUSES:
        fail("status", f"'{status[:20]}' is not open, completed or cancelled")
    if status == COMPLETED and not completed_text:
        fail("completed_at", "a completed record needs completed_at")
    if status == OPEN and completed_text:
        fail("status", "an open record has no completed_at")

    if defective_text not in ("", "true", "false"):
        fail("defective", f"'{defective_text[:20]}' is not true or false")

    pauses: list[tuple[dt.datetime, dt.datetime]] = []
    if raw_pauses is not None and raw_pauses != "":
        try:
            pauses = _pauses(raw_pauses, zone)
        except ValueError as exc:
            fail("pauses", str(exc))
        late = next((n for n, (_, end) in enumerate(pauses, start=1) if end > context.latest), 0)
        if late:
            fail("pauses", f"pause {late} ends in the future")
    measure = None
    if received is not None and not errors:
        try:
            measure = measure_record(
                provider.calendar,
                received,
                completed,
                pauses,
                received_local=received_wall,
                completed_local=completed_wall,
            )
        except ClockError as exc:
            fail("pauses", str(exc))
    if errors:
        return errors

    return StagedRecord(
        line,
        provider.id,
        client_id,
        service_id,
        ref,
        received,
        completed,
        status,
        defective_text == "true",
        pauses_json(pauses) if pauses else NO_PAUSES,
        provider.calendar_id,
        *measure,
    )


def pauses_json(pauses: list[tuple[dt.datetime, dt.datetime]]) -> str:
    """The pauses as stored: a JSON list of {"start", "end"} ISO 8601 instants in UTC,
    written like Django's JSONField does (on SQLite the upsert compares the stored text)."""
    return json.dumps([{"start": s.isoformat(), "end": e.isoformat()} for s, e in pauses])
