"""How the designation advisor scores and ranks providers: pure arithmetic, no database.

Each factor gives a provider a score between 0 and 1 (four decimals, half up), or no
score at all when there is nothing to go by ("no data"):

- ``attainment``: met ÷ eligible of the provider's minimum-service-standard results for
  the service (timeliness and accuracy) over its last six complete months;
- ``satisfaction``: satisfied answers (overall 4 or 5) ÷ answers of the survey about the
  provider and service over the same months; below the survey's anonymity threshold
  (5 answers) it is withheld, so no data;
- ``cost``: the cheapest rate in force ÷ this provider's rate (the cheapest scores 1),
  among the rates of one currency (the one most providers use; on a tie, the first
  alphabetically); a rate of zero scores 1 and makes every dearer rate score 0; no rate,
  or a rate in another currency, is no data;
- ``overlap``: the working seconds of the reference week the provider's and the client's
  duty stations share ÷ the client's own working seconds that week;
- ``scope``: 1 when the offering serves the client's country (a global offering serves
  every country), else 0.

The total is Σ weight × score over the factors, out of 100 (two decimals, half up); a
factor with no data adds nothing (an advisor does not credit what it cannot see). The
ranking is by total, highest first, ties broken by provider code; positions run 1, 2, 3
without gaps. The same inputs always give the same ranking.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

# The factors, in the order the page and the API show them, and their weights (sum 100).
WEIGHTS: dict[str, int] = {
    "attainment": 35,
    "satisfaction": 20,
    "cost": 15,
    "overlap": 15,
    "scope": 15,
}
FACTORS = tuple(WEIGHTS)
LABELS = {
    "attainment": "Standard attainment",
    "satisfaction": "Satisfaction",
    "cost": "Cost-recovery rate",
    "overlap": "Working-hours overlap",
    "scope": "Scope",
}
NO_DATA = "no data"
FACTOR_PLACES = Decimal("0.0001")
TOTAL_PLACES = Decimal("0.01")


def ratio(part, whole) -> Decimal | None:
    """part ÷ whole to four decimals, half up; None when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(FACTOR_PLACES, ROUND_HALF_UP)


def percent(score: Decimal | None) -> str:
    """A 0–1 score as a percentage with one decimal ("95.0%"), or "no data"."""
    if score is None:
        return NO_DATA
    return f"{(score * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


@dataclass(frozen=True)
class Factor:
    """One factor of one provider: its score (None: no data), what the page shows, a note
    that says where it comes from, and the figures behind it (for the API)."""

    name: str
    score: Decimal | None
    text: str
    note: str = ""
    figures: dict = field(default_factory=dict)

    @property
    def weight(self) -> int:
        return WEIGHTS[self.name]

    @property
    def points(self) -> Decimal:
        """weight × score (0 with no data), not yet rounded."""
        return Decimal(0) if self.score is None else self.weight * self.score

    @property
    def no_data(self) -> bool:
        return self.score is None

    @property
    def points_shown(self) -> Decimal:
        """``points`` to two decimals, half up, as the page and the API show them (the
        total adds the unrounded points, then rounds once)."""
        return self.points.quantize(TOTAL_PLACES, ROUND_HALF_UP)


def total(factors: dict[str, Factor]) -> Decimal:
    """Σ weight × score, out of 100, two decimals half up."""
    points = sum((factors[name].points for name in FACTORS if name in factors), Decimal(0))
    return points.quantize(TOTAL_PLACES, ROUND_HALF_UP)


def comparable_currency(rates: dict) -> str:
    """The currency the rates are compared in: the most used, ties to the first
    alphabetically ("" when there is no rate). ``rates``: {key: (rate, currency)}."""
    counts = Counter(currency for _rate, currency in rates.values())
    if not counts:
        return ""
    return min(counts, key=lambda c: (-counts[c], c))


def cost_factors(rates: dict) -> dict:
    """{key: Factor} of every key of ``rates`` ({key: (rate or None, currency)})."""
    priced = {k: v for k, v in rates.items() if v[0] is not None}
    currency = comparable_currency(priced)
    same = {k: rate for k, (rate, c) in priced.items() if c == currency}
    cheapest = min(same.values()) if same else None
    factors = {}
    for key, (rate, their_currency) in rates.items():
        if rate is None:
            factors[key] = Factor("cost", None, NO_DATA, "no rate in force on the rate card")
            continue
        figures = {"rate": str(rate), "currency": their_currency}
        shown = f"{rate} {their_currency}"
        if their_currency != currency:
            factors[key] = Factor(
                "cost", None, shown, f"not compared: the others are in {currency}", figures
            )
            continue
        if cheapest == 0:
            score = Decimal(1) if rate == 0 else Decimal(0)
        else:
            score = ratio(cheapest, rate)
        factors[key] = Factor(
            "cost", score, shown, f"cheapest {cheapest} {currency} ÷ this rate", figures
        )
    return factors


@dataclass
class Candidate:
    """A provider that offers the service, its factors, total and place in the ranking."""

    code: str
    name: str
    factors: dict[str, Factor]
    designated: bool = False
    extra: dict = field(default_factory=dict)
    score: Decimal = Decimal(0)
    position: int = 0

    @property
    def missing(self) -> list[str]:
        """The factors with no data, by label."""
        return [LABELS[n] for n in FACTORS if self.factors[n].no_data]


def rank(candidates: list[Candidate]) -> list[Candidate]:
    """The candidates with their totals and positions, best first (ties: provider code)."""
    for candidate in candidates:
        candidate.score = total(candidate.factors)
    ordered = sorted(candidates, key=lambda c: (-c.score, c.code))
    for position, candidate in enumerate(ordered, start=1):
        candidate.position = position
    return ordered


def explanation() -> list[str]:
    """The method in sentences, for the page and the API."""
    weights = ", ".join(f"{LABELS[n].lower()} {WEIGHTS[n]}" for n in FACTORS)
    return [
        f"Each factor scores between 0 and 1; the total is the sum of weight × score, out of "
        f"100 (weights: {weights}).",
        "Standard attainment: met ÷ eligible of the provider's minimum service standards for "
        "the service (timeliness and accuracy) over its last six complete months, in its "
        "own time zone.",
        "Satisfaction: answers scoring 4 or 5 ÷ all answers of the client survey about the "
        "provider and the service over the same months (withheld below 5 answers).",
        "Cost-recovery rate: the cheapest rate in force ÷ this provider's rate, among rates "
        "in the same currency (the one most providers use).",
        "Working-hours overlap: the hours both duty stations work in the week compared "
        "(last week unless another is chosen) ÷ the hours the client's duty station works "
        "that week.",
        "Scope: 1 when the offering serves the client's country (global offerings serve "
        "every country), else 0.",
        "A factor with no data adds nothing to the total. Equal totals are ordered by "
        "provider code.",
    ]
