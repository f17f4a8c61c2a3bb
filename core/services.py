"""Write helpers every app's services share."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models, transaction

from .exceptions import ApplicationError
from .models import MAX_HOLIDAYS, DutyStation, Holiday, holiday_date_problem


@dataclass
class UpsertCounts:
    """How many rows an idempotent load created, updated and left as they were."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_model: dict[str, list[int]] = field(default_factory=dict)

    def add(self, model: type[models.Model], outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        row = self.by_model.setdefault(model._meta.label, [0, 0, 0])
        row[("created", "updated", "unchanged").index(outcome)] += 1


def upsert(
    model: type[models.Model], *, lookup: dict, values: dict, counts: UpsertCounts | None = None
):
    """Create or update one row by ``lookup``, saving only when something differs.

    Saving only real changes keeps a re-run free of writes and of history entries,
    which is what makes reference loads idempotent. ``full_clean`` runs before every
    save so the model's own rules hold for loaded data as for edits.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        outcome = "created"
    else:
        changed = [name for name, value in values.items() if _differs(obj, name, value)]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.full_clean()
            obj.save()
            outcome = "updated"
        else:
            outcome = "unchanged"
    if counts is not None:
        counts.add(model, outcome)
    return obj, outcome


def _differs(obj, name: str, value) -> bool:
    field_obj = obj._meta.get_field(name)
    if field_obj.is_relation:
        current = getattr(obj, field_obj.attname)
        return current != (value.pk if isinstance(value, models.Model) else value)
    return field_obj.to_python(value) != getattr(obj, name)


@transaction.atomic
def duty_station_set_holidays(*, duty_station: DutyStation, dates: Iterable[dt.date]) -> None:
    """Make ``dates`` the holidays of ``duty_station``: the other dates' rows are deleted,
    the missing ones added, the rest (with their names and sources) kept.

    Row by row, so that each change is audited and, through the model signals, the records
    the calendar governs are measured again (once per station and transaction).
    """
    wanted = set(dates)
    problems = [p for p in map(holiday_date_problem, sorted(wanted)) if p]
    if problems:
        raise ApplicationError(f"{problems[0]}.", {"holidays": problems})
    if len(wanted) > MAX_HOLIDAYS:
        raise ApplicationError(
            f"At most {MAX_HOLIDAYS} holidays per duty station.",
            {"holidays": [f"{len(wanted)} dates given"]},
        )
    kept = set()
    for holiday in Holiday.objects.filter(duty_station=duty_station).order_by("date"):
        if holiday.date in wanted:
            kept.add(holiday.date)
        else:
            holiday.delete()
    for day in sorted(wanted - kept):
        Holiday.objects.create(duty_station=duty_station, date=day)
    if hasattr(duty_station, "_prefetched_objects_cache"):
        duty_station._prefetched_objects_cache.pop("holidays", None)
