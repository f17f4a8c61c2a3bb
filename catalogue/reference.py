"""Loading the project's own copy of the reference data (``reference/``), idempotently.

Each file carries ``source`` and ``verification`` columns; rows are upserted by
their natural key (codes), saved only when something changed, and validated by
the models' own rules. A bad row stops the whole load (one transaction) with the
file, line and reason, so a half-loaded catalogue never exists.
"""

import csv
import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from clients.models import ClientEntity
from core.exceptions import ApplicationError
from core.models import DutyStation, Holiday
from core.services import UpsertCounts, upsert
from providers.models import ServiceProvider

from .choices import DesignationStatus
from .models import (
    Designation,
    FunctionalArea,
    MinimumServiceStandard,
    Offering,
    OfferingCountry,
    Service,
)

REFERENCE_DIR = Path(settings.BASE_DIR) / "reference"

# Loaders that apps above the catalogue add to ``load_reference`` (the cost-recovery app
# loads the offerings' reference rates): each is called with the directory and the counts,
# in the same transaction, after the catalogue's own files.
ReferenceLoader = Callable[[Path, UpsertCounts], None]
_loaders: list[ReferenceLoader] = []


def register_reference_loader(loader: ReferenceLoader) -> None:
    """Run ``loader(directory, counts)`` at the end of every ``load_reference`` (once)."""
    if loader not in _loaders:
        _loaders.append(loader)


class ReferenceDataError(ApplicationError):
    pass


def load_reference(*, directory: Path = REFERENCE_DIR) -> UpsertCounts:
    """Load duty stations, entities, providers, areas, services, offerings, standards
    and designations from ``directory``, then what the registered loaders load (the
    reference rates). Running it twice changes nothing."""
    counts = UpsertCounts()
    with transaction.atomic():
        stations = _load_duty_stations(directory / "duty_stations.json", counts)
        entities = _load_entities(directory / "entities.csv", stations, counts)
        providers = _load_providers(directory / "providers.csv", stations, entities, counts)
        areas = _load_areas(directory / "areas.csv", counts)
        services = _load_services(directory / "services.csv", areas, counts)
        _load_offerings(directory / "offerings.csv", providers, services, counts)
        _load_standards(directory / "standards.csv", services, counts)
        _load_designations(
            directory / "designations.csv", entities, providers, services, areas, counts
        )
        for loader in _loaders:
            loader(directory, counts)
    return counts


# --- readers -------------------------------------------------------------------------


def _rows(path: Path):
    """(line number, row) for each data row of a CSV file with a header."""
    if not path.exists():
        raise ReferenceDataError(f"{path.name}: file not found in {path.parent}.")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}


class _Row:
    """Context for one row: turns any validation failure into a file:line error."""

    def __init__(self, path: Path, line: int):
        self.where = f"{path.name}, line {line}"

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            return False
        if isinstance(exc, ValidationError):
            detail = (
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
                if hasattr(exc, "error_dict")
                else " ".join(exc.messages)
            )
            raise ReferenceDataError(f"{self.where}: {detail}") from exc
        if isinstance(exc, KeyError):
            raise ReferenceDataError(f"{self.where}: missing column {exc}") from exc
        if isinstance(exc, (ValueError, InvalidOperation)):
            raise ReferenceDataError(f"{self.where}: {exc}") from exc
        return False


# For the loaders other apps register: the rows of a file, and the context that turns a
# row's failure into a "file, line: reason" error.
reference_rows = _rows
ReferenceRow = _Row


def _lookup(table: dict, code: str, what: str):
    if code not in table:
        raise ValueError(f"unknown {what} '{code}'")
    return table[code]


def _bool(value: str) -> bool:
    if value.lower() in ("true", "yes", "1"):
        return True
    if value.lower() in ("false", "no", "0", ""):
        return False
    raise ValueError(f"'{value}' is not true or false")


def _decimal(value: str) -> Decimal | None:
    return Decimal(value) if value else None


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


# --- loaders -------------------------------------------------------------------------


def _load_duty_stations(path: Path, counts: UpsertCounts) -> dict[str, DutyStation]:
    if not path.exists():
        raise ReferenceDataError(f"{path.name}: file not found in {path.parent}.")
    data = json.loads(path.read_text(encoding="utf-8"))
    stations, calendar_holidays = {}, {}
    for index, item in enumerate(data, start=1):
        with _Row(path, index) as _:
            station, _outcome = upsert(
                DutyStation,
                lookup={"code": item["code"]},
                values={
                    "name": item["name"],
                    "country": item["country"],
                    "timezone": item["timezone"],
                    "working_hours": item["working_hours"],
                    "working_day_hours": Decimal(str(item.get("working_day_hours", 8))),
                    "source": item.get("source", ""),
                    "verification": item.get("verification", ""),
                },
                counts=counts,
            )
            stations[station.code] = station
            calendar_holidays[station.code] = {dt.date.fromisoformat(d) for d in item["holidays"]}
    _load_holidays(path.with_name("holidays.csv"), stations, calendar_holidays, counts)
    return stations


def _load_holidays(path, stations, calendar_holidays, counts) -> None:
    """Holidays with their names and sources; the dates must be those of the calendars."""
    listed: dict[str, set[dt.date]] = {code: set() for code in stations}
    for line, row in _rows(path):
        with _Row(path, line):
            station = _lookup(stations, row["duty_station"], "duty station")
            day = dt.date.fromisoformat(row["date"])
            if day not in calendar_holidays[station.code]:
                raise ValueError(f"{day} is not among {station.code}'s calendar holidays")
            listed[station.code].add(day)
            upsert(
                Holiday,
                lookup={"duty_station": station, "date": day},
                values={
                    "name": row["name"],
                    "source": row["source"],
                    "verification": row["verification"],
                },
                counts=counts,
            )
    for code, days in calendar_holidays.items():
        missing = sorted(days - listed[code])
        if missing:
            raise ReferenceDataError(
                f"{path.name}: {code} calendar holidays without a row here: "
                + ", ".join(d.isoformat() for d in missing[:5])
            )


def _load_entities(path, stations, counts) -> dict[str, ClientEntity]:
    entities, parents = {}, []
    for line, row in _rows(path):
        with _Row(path, line):
            station = (
                _lookup(stations, row["duty_station"], "duty station")
                if row["duty_station"]
                else None
            )
            entity, _ = upsert(
                ClientEntity,
                lookup={"code": row["code"]},
                values={
                    "name": row["name"],
                    "type": row["type"],
                    "pillar": row["pillar"],
                    "duty_station": station,
                    "country": row["country"],
                    "active": _bool(row["active"] or "true"),
                    "source": row["source"],
                    "verification": row["verification"],
                },
                counts=counts,
            )
            entities[entity.code] = entity
            parents.append((line, entity, row["parent"]))
    for line, entity, parent_code in parents:
        with _Row(path, line):
            parent = _lookup(entities, parent_code, "parent entity") if parent_code else None
            if entity.parent_id != (parent.pk if parent else None):
                entity.parent = parent
                entity.full_clean()
                entity.save(update_fields=["parent"])
    return entities


def _load_providers(path, stations, entities, counts) -> dict[str, ServiceProvider]:
    providers = {}
    for line, row in _rows(path):
        with _Row(path, line):
            provider, _ = upsert(
                ServiceProvider,
                lookup={"code": row["code"]},
                values={
                    "name": row["name"],
                    "kind": row["kind"],
                    "duty_station": _lookup(stations, row["duty_station"], "duty station"),
                    "entity": _lookup(entities, row["entity"], "entity") if row["entity"] else None,
                    "description": row["description"],
                    "contact": row["contact"],
                    "source": row["source"],
                    "verification": row["verification"],
                },
                counts=counts,
            )
            providers[provider.code] = provider
    return providers


def _load_areas(path, counts) -> dict[str, FunctionalArea]:
    areas = {}
    for line, row in _rows(path):
        with _Row(path, line):
            area, _ = upsert(
                FunctionalArea,
                lookup={"code": row["code"]},
                values={
                    "name": row["name"],
                    "description": row.get("description", ""),
                    "source": row.get("source", ""),
                    "verification": row.get("verification", ""),
                },
                counts=counts,
            )
            areas[area.code] = area
    return areas


def _load_services(path, areas, counts) -> dict[str, Service]:
    services = {}
    for line, row in _rows(path):
        with _Row(path, line):
            service, _ = upsert(
                Service,
                lookup={"code": row["code"]},
                values={
                    "name": row["name"],
                    "description": row["description"],
                    "area": _lookup(areas, row["area"], "area"),
                    "location_independent": _bool(row["location_independent"]),
                    "delivery_mode": row["delivery_mode"],
                    "unit_of_service": row["unit_of_service"],
                    "lifecycle": row["lifecycle"],
                    "source": row["source"],
                    "verification": row["verification"],
                },
                counts=counts,
            )
            services[service.code] = service
    return services


def _load_offerings(path, providers, services, counts) -> None:
    for line, row in _rows(path):
        with _Row(path, line):
            offering, _ = upsert(
                Offering,
                lookup={
                    "provider": _lookup(providers, row["provider"], "provider"),
                    "service": _lookup(services, row["service"], "service"),
                },
                values={
                    "scope": row["scope"],
                    # Note: the rate columns are the rate card's (the cost-recovery app
                    # loads them as each offering's reference rate).
                    "rate_unit": row["rate_unit"],
                    "lead_time_days": int(row["lead_time_days"]),
                    "source": row["source"],
                    "verification": row["verification"],
                },
                counts=counts,
            )
            wanted = sorted({c.strip().upper() for c in row["regions_served"].split(";") if c})
            have = set(offering.countries.values_list("country", flat=True))
            if have != set(wanted):
                offering.countries.exclude(country__in=wanted).delete()
                for code in wanted:
                    if code not in have:
                        country = OfferingCountry(offering=offering, country=code)
                        country.full_clean()
                        country.save()


def _load_standards(path, services, counts) -> None:
    for line, row in _rows(path):
        with _Row(path, line):
            upsert(
                MinimumServiceStandard,
                lookup={"code": row["code"]},
                values={
                    "service": _lookup(services, row["service"], "service"),
                    "kind": row["kind"],
                    "threshold": _decimal(row["threshold"]),
                    "clock": row["clock"],
                    "target_pct": Decimal(row["target_pct"]),
                    "source": row["source"],
                    "verification": row["verification"],
                },
                counts=counts,
            )


def _load_designations(path, entities, providers, services, areas, counts) -> None:
    for line, row in _rows(path):
        with _Row(path, line):
            upsert(
                Designation,
                lookup={
                    "client": _lookup(entities, row["client"], "client entity"),
                    "service": _lookup(services, row["service"], "service")
                    if row["service"]
                    else None,
                    "area": _lookup(areas, row["area"], "area") if row["area"] else None,
                    "provider": _lookup(providers, row["provider"], "provider"),
                    "valid_from": _date(row["valid_from"]),
                },
                values={
                    # Reference designations are arrangements in force: approved.
                    "status": DesignationStatus.APPROVED,
                    "valid_to": _date(row["valid_to"]),
                    "basis": row["basis"],
                    "source": row["source"],
                    "verification": row["verification"],
                },
                counts=counts,
            )
