"""One rounding for shares in percent: what a page recounts from met ÷ eligible is what the
stored compliance result says."""

from decimal import Decimal

from compliance.models import ComplianceResult
from core.figures import percent_of


def test_nothing_eligible_is_no_figure():
    assert percent_of(0, 0) is None


def test_a_recount_matches_the_stored_attainment_even_on_a_tie():
    # 1 of 160 is 0.625 %: half to even gives 0.62, as the stored attainment 0.0062 does.
    stored = ComplianceResult(met=1, eligible=160).attainment
    assert percent_of(1, 160) == stored * 100 == Decimal("0.62")


def test_places():
    assert percent_of(3, 5, places=1) == Decimal("60.0")
    assert percent_of(2, 3) == Decimal("66.67")
