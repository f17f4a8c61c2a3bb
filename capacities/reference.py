"""The ICSC hardship class of each duty station, as ``reference/hardship_classes.csv``
gives it (each row cited; see ``reference/README.md``). Loaded by ``load_reference``
(``catalogue.reference.register_reference_loader``), idempotently."""

import datetime as dt
from pathlib import Path

from catalogue.reference import ReferenceRow, reference_rows
from core.models import DutyStation
from core.services import UpsertCounts, upsert

from .models import HardshipClassification

FILE = "hardship_classes.csv"


def load_hardship_classes(directory: Path, counts: UpsertCounts) -> None:
    path = directory / FILE
    stations = {s.code: s for s in DutyStation.objects.all()}
    for line, row in reference_rows(path):
        with ReferenceRow(path, line):
            station = stations.get(row["duty_station"])
            if station is None:
                raise ValueError(f"unknown duty station {row['duty_station'][:20]}")
            upsert(
                HardshipClassification,
                lookup={"duty_station": station},
                values={
                    "hardship_class": row["hardship_class"],
                    "as_of": dt.date.fromisoformat(row["as_of"]),
                    "source": row["source"],
                    "verification": row["verification"],
                },
                counts=counts,
            )
