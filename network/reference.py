"""``load_reference`` also loads where each duty station is
(``reference/duty_station_locations.csv``: GeoNames coordinates, each row citing its
GeoNames id), idempotently, after the catalogue's own files."""

from decimal import Decimal
from pathlib import Path

from catalogue.reference import ReferenceDataError, ReferenceRow, reference_rows
from core.models import DutyStation
from core.services import UpsertCounts, upsert

from .models import DutyStationLocation

LOCATIONS_FILE = "duty_station_locations.csv"


def load_station_locations(directory: Path, counts: UpsertCounts) -> None:
    """Upsert the location of every duty station listed (a station missing from the
    portal, or a coordinate out of range, stops the load with the file and line)."""
    path = directory / LOCATIONS_FILE
    if not path.exists():
        return  # a reference directory without locations: the map shows none
    stations = {s.code: s for s in DutyStation.objects.all()}
    for line, row in reference_rows(path):
        with ReferenceRow(path, line) as where:
            station = stations.get(row["duty_station"])
            if station is None:
                raise ReferenceDataError(
                    f"{where.where}: duty_station: no duty station {row['duty_station']!r}."
                )
            upsert(
                DutyStationLocation,
                lookup={"duty_station": station},
                values={
                    "latitude": Decimal(row["latitude"]),
                    "longitude": Decimal(row["longitude"]),
                    "source": row["source"],
                    "verification": row["verification"],
                },
                counts=counts,
            )
