"""The currencies a rate may be in, with their minor units (ISO 4217), and the rounding of
an amount to its currency's minor unit (DOMAIN §10). Shared: the rate card and statements
(cost recovery) round with it, and every page that shows a rate writes it with it.

The table is the project's own copy, ``reference/currencies.csv``: the codes the portal
accepts, transcribed from ISO 4217:2015 Table A.1 ("List One: current currency & funds
code list", kept by SIX Group for ISO). It is read from the file, never from the network;
a code missing from it is refused with a clear message (add its row from List One).

Pure functions but for reading that file once.
"""

import csv
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

CURRENCIES_FILE = Path(__file__).resolve().parent.parent / "reference" / "currencies.csv"


@dataclass(frozen=True)
class Currency:
    code: str
    name: str
    minor_unit: int

    @property
    def quantum(self) -> Decimal:
        """One minor unit: Decimal("0.01") for USD, Decimal("1") for JPY."""
        return Decimal(1).scaleb(-self.minor_unit)


@cache
def currencies() -> dict[str, Currency]:
    """Every accepted currency by its code."""
    with CURRENCIES_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: Currency(row["code"], row["name"], int(row["minor_unit"]))
            for row in csv.DictReader(handle)
        }


def currency_choices() -> list[tuple[str, str]]:
    return [(c.code, f"{c.code} – {c.name}") for c in currencies().values()]


def currency(code: str) -> Currency:
    """The currency of ``code`` (raises KeyError for a code the portal does not accept)."""
    return currencies()[code]


def round_amount(value: Decimal, code: str) -> Decimal:
    """``value`` rounded half-up (half away from zero) to the currency's minor unit:
    2.345 USD → 2.35, 0.0005 KWD → 0.001, 12.5 JPY → 13; -2.345 USD → -2.35."""
    return value.quantize(currency(code).quantum, rounding=ROUND_HALF_UP)


def line_amount(quantity: int, rate: Decimal, code: str) -> Decimal:
    """A statement line's amount: quantity × rate, exactly, then rounded half-up to the
    currency's minor unit (DOMAIN §10)."""
    return round_amount(Decimal(quantity) * rate, code)


def rate_text(rate: Decimal, code: str = "") -> str:
    """A rate as people read it: no trailing zeros beyond the currency's minor unit
    (16.8000 USD → "16.80", 0.1250 USD → "0.125", 700.0000 JPY → "700")."""
    minor = currencies()[code].minor_unit if code in currencies() else 2
    exponent = rate.normalize().as_tuple().exponent
    places = max(minor, -exponent if isinstance(exponent, int) else 0)
    return f"{rate:.{places}f}"
