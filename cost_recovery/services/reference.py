"""The reference rates: each offering's cost-recovery rate as ``reference/offerings.csv``
gives it (cited there; illustrative), on the rate card from ``REFERENCE_RATES_FROM`` with
no end. Loaded by ``load_reference`` (``catalogue.reference.register_reference_loader``),
idempotently: a reference rate is updated to the file's figures, never re-opened once a
rate card change has ended it, and never added to an offering that has rates of its own.
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from catalogue.models import Offering
from catalogue.reference import ReferenceRow, reference_rows
from core.services import UpsertCounts, upsert

from ..choices import REFERENCE_RATES_FROM
from ..models import Rate


def load_reference_rates(directory: Path, counts: UpsertCounts) -> None:
    path = directory / "offerings.csv"
    start = dt.date.fromisoformat(REFERENCE_RATES_FROM)
    offerings = {
        (o.provider.code, o.service.code): o
        for o in Offering.objects.select_related("provider", "service")
    }
    with_rates = set(Rate.objects.values_list("offering_id", flat=True))
    starting = set(Rate.objects.filter(valid_from=start).values_list("offering_id", flat=True))
    for line, row in reference_rows(path):
        with ReferenceRow(path, line):
            offering = offerings.get((row["provider"], row["service"]))
            if offering is None:
                raise ValueError(f"unknown offering {row['provider']} · {row['service']}")
            if offering.pk in with_rates and offering.pk not in starting:
                counts.add(Rate, "unchanged")  # the card has moved on: leave it
                continue
            upsert(
                Rate,
                lookup={"offering": offering, "valid_from": start},
                values={
                    "rate": Decimal(row["cost_recovery_rate"]),
                    "currency": row["currency"] or "USD",
                    "source": row["source"],
                    "verification": row["verification"],
                },
                counts=counts,
            )
