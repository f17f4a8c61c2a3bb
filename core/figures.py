"""Shares in percent, rounded one way everywhere a figure of the same kind is shown."""

from decimal import Decimal

PLACES = {1: Decimal("0.1"), 2: Decimal("0.01")}


def percent_of(part: int, whole: int, *, places: int = 2) -> Decimal | None:
    """``part`` of ``whole`` in percent to ``places`` decimals, None when ``whole`` is 0.

    Rounded as the compliance engine stores attainment (``ComplianceResult.attainment``,
    Decimal's default, half to even), so that a page that recounts met ÷ eligible shows
    the same figure as the stored result.
    """
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(PLACES[places])
