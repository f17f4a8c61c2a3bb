"""Figures as pages show them, one way everywhere a figure of the same kind is shown:
shares in percent, durations in hours and minutes."""

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


def duration_hm(seconds) -> str:
    """Seconds as hours and minutes, e.g. ``7 h 30 min`` (``45 min`` under an hour; empty
    for None)."""
    if seconds is None:
        return ""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
