"""Figures of the dashboards' cells: attainment in percent and its heat colour."""

from decimal import Decimal


def pct(met: int, eligible: int) -> Decimal | None:
    """Attainment in percent, two decimals (None when nothing was eligible)."""
    if not eligible:
        return None
    return (Decimal(met) * 100 / Decimal(eligible)).quantize(Decimal("0.01"))


def pct_text(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def band(attainment: Decimal | None, target: Decimal | None) -> str:
    """Heat colour: met (attainment ≥ the eligible-weighted target), near (within 2
    points), missed; none without data."""
    if attainment is None or target is None:
        return "heat-none"
    if attainment >= target:
        return "heat-met"
    if attainment >= target - 2:
        return "heat-near"
    return "heat-missed"
