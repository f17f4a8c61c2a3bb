"""Statements computed by hand, to the cent (DOMAIN §10): a rate that changes mid-month
(at midnight in the provider's zone), defective deliveries charged and not, cancelled and
open records left out, a Kuwait record completed 2026-01-31T22:30Z counted in February,
half-up rounding per line, and a late record after issue becoming an adjustment line of
the next statement issued, once."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.choices import Role
from clients.models import ClientEntity
from cost_recovery.choices import StatementStatus
from cost_recovery.models import Statement
from cost_recovery.selectors import statement_for
from cost_recovery.services import statement_issue
from providers.models import ServiceProvider
from tests.cost_recovery.factories import JANUARY_ROWS, LATE_ROWS, kjso_unama_rates
from tests.factories import user_with_role
from tests.records.factories import import_csv

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
ISSUE_JAN = dt.datetime(2026, 2, 5, 9, tzinfo=dt.UTC)
ISSUE_FEB = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


@pytest.fixture
def parties():
    kjso = ServiceProvider.objects.select_related("duty_station").get(code="KJSO")
    unama = ClientEntity.objects.get(code="UNAMA")
    kjso_unama_rates()
    assert import_csv(JANUARY_ROWS).status == "done"
    return kjso, unama, user_with_role(Role.PROVIDER_MANAGER, provider=kjso)


def lines_of(view):
    return [
        (line.service.code, line.rate, line.quantity, line.amount, line.adjusts)
        for line in view.lines
    ]


class TestDraft:
    def test_january_by_hand(self, parties):
        kjso, unama, _ = parties
        view = statement_for(provider=kjso, client=unama, month=JAN)
        assert view.status == StatementStatus.DRAFT and view.currency == "USD"
        assert lines_of(view) == [
            # W-P1, W-P2 (23:30 local on the 14th): the old rate.
            ("PAY-OFF", Decimal("24.20"), 2, Decimal("48.40"), None),
            # W-P3 (00:30 local on the 15th): 1 × 25.125 = 25.125 → 25.13 half-up;
            # W-P4 defective, not charged; W-P6 cancelled and W-P7 open never count.
            ("PAY-OFF", Decimal("25.125"), 1, Decimal("25.13"), None),
            # W-T1 defective but charged, W-T2; W-T3 is February's.
            ("TRV-OFF", Decimal("30.80"), 2, Decimal("61.60"), None),
        ]
        assert view.total == Decimal("135.13")
        assert view.not_charged == 1
        assert not view.unpriced

    def test_the_kuwait_record_completed_at_2230z_on_31_january_is_februarys(self, parties):
        kjso, unama, _ = parties
        view = statement_for(provider=kjso, client=unama, month=FEB)
        assert lines_of(view) == [("TRV-OFF", Decimal("30.80"), 1, Decimal("30.80"), None)]
        assert view.total == Decimal("30.80")

    def test_a_draft_follows_the_records(self, parties):
        kjso, unama, _ = parties
        import_csv("W-T2,KJSO,UNAMA,TRV-OFF,2026-01-04T09:00+03:00,,cancelled,,false\n")
        view = statement_for(provider=kjso, client=unama, month=JAN)
        assert view.total == Decimal("135.13") - Decimal("30.80")


class TestIssueAndAdjust:
    def test_issued_january_never_changes_and_february_adjusts_it_once(self, parties):
        kjso, unama, manager = parties
        january = statement_issue(
            user=manager, provider=kjso, client=unama, month=JAN, now=ISSUE_JAN
        )
        assert (january.status, january.total, january.currency) == (
            "issued",
            Decimal("135.13"),
            "USD",
        )
        assert january.lines.count() == 3

        # After issue: a late record (W-P8, 25 January) and W-P1 found defective.
        assert import_csv(LATE_ROWS).status == "done"
        issued = statement_for(provider=kjso, client=unama, month=JAN)
        assert issued.status == "issued" and issued.total == Decimal("135.13")
        assert lines_of(issued)[0] == ("PAY-OFF", Decimal("24.20"), 2, Decimal("48.40"), None)

        february = statement_for(provider=kjso, client=unama, month=FEB)
        assert lines_of(february) == [
            ("TRV-OFF", Decimal("30.80"), 1, Decimal("30.80"), None),
            # January now gives 1 at 24.20 (W-P2) where 2 were issued...
            ("PAY-OFF", Decimal("24.20"), -1, Decimal("-24.20"), JAN),
            # ...and 2 at 25.125 (W-P3, W-P8) where 1 was: +1 × 25.125 → 25.13.
            ("PAY-OFF", Decimal("25.125"), 1, Decimal("25.13"), JAN),
        ]
        assert february.total == Decimal("31.73")

        statement_issue(user=manager, provider=kjso, client=unama, month=FEB, now=ISSUE_FEB)
        stored = Statement.objects.get(provider=kjso, client=unama, month=FEB)
        assert stored.total == Decimal("31.73")
        assert [(line.quantity, line.adjusts) for line in stored.lines.all()] == [
            (1, None),
            (-1, JAN),
            (1, JAN),
        ]
        # Taken once: the next month's draft has no January adjustment left.
        march = statement_for(provider=kjso, client=unama, month=MAR)
        assert lines_of(march) == []

    def test_a_rate_changed_after_issue_is_an_adjustment_too(self, parties):
        kjso, unama, manager = parties
        statement_issue(user=manager, provider=kjso, client=unama, month=JAN, now=ISSUE_JAN)
        trv = kjso.offerings.get(service__code="TRV-OFF").rates.get()
        trv.charge_defective = False
        trv.save()
        february = statement_for(provider=kjso, client=unama, month=FEB)
        assert ("TRV-OFF", Decimal("30.80"), -1, Decimal("-30.80"), JAN) in lines_of(february)
