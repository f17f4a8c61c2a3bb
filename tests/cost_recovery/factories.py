"""Test data of cost recovery: rates, and records of a provider and client in a few lines."""

import datetime as dt
from decimal import Decimal

import factory

from cost_recovery.models import Rate


class RateFactory(factory.django.DjangoModelFactory):
    """A rate in force from 2020 with no end (every offering the tests make has one)."""

    class Meta:
        model = Rate

    offering = factory.SubFactory("tests.factories.OfferingFactory", rate_card=None)
    rate = Decimal("12.50")
    currency = "USD"
    valid_from = dt.date(2020, 1, 1)
    verification = "illustrative test data"


def kjso_unama_rates():
    """KJSO's rates for the worked statements (Kuwait, UTC+3, USD):

    - PAY-OFF: 24.20 to 2026-01-14, then 25.125 from 2026-01-15 (defective not charged);
    - TRV-OFF: 30.80, defective deliveries charged.
    """
    from catalogue.models import Offering

    offerings = {
        o.service.code: o
        for o in Offering.objects.select_related("service").filter(
            provider__code="KJSO", service__code__in=("PAY-OFF", "TRV-OFF")
        )
    }
    pay, trv = offerings["PAY-OFF"], offerings["TRV-OFF"]
    pay.rates.update(valid_to=dt.date(2026, 1, 14))
    RateFactory(offering=pay, rate=Decimal("25.125"), valid_from=dt.date(2026, 1, 15))
    trv.rates.update(charge_defective=True)
    return pay, trv


# The records of the worked statements (KJSO → UNAMA), as CSV rows.
JANUARY_ROWS = (
    # PAY-OFF at 24.20: two, the second at 23:30 Kuwait time on the 14th (still 24.20).
    "W-P1,KJSO,UNAMA,PAY-OFF,2026-01-08T09:00+03:00,2026-01-10T10:00+03:00,,,false\n"
    "W-P2,KJSO,UNAMA,PAY-OFF,2026-01-12T09:00+03:00,2026-01-14T20:30:00Z,,,false\n"
    # PAY-OFF at 25.125: 00:30 Kuwait time on the 15th; and a defective one (not charged).
    "W-P3,KJSO,UNAMA,PAY-OFF,2026-01-12T09:00+03:00,2026-01-14T21:30:00Z,,,false\n"
    "W-P4,KJSO,UNAMA,PAY-OFF,2026-01-18T09:00+03:00,2026-01-20T10:00+03:00,,,true\n"
    # Cancelled and open records never count.
    "W-P6,KJSO,UNAMA,PAY-OFF,2026-01-19T09:00+03:00,2026-01-21T10:00+03:00,cancelled,,false\n"
    "W-P7,KJSO,UNAMA,PAY-OFF,2026-01-19T09:00+03:00,,,,false\n"
    # TRV-OFF at 30.80, defective charged: two.
    "W-T1,KJSO,UNAMA,TRV-OFF,2026-01-04T09:00+03:00,2026-01-05T10:00+03:00,,,true\n"
    "W-T2,KJSO,UNAMA,TRV-OFF,2026-01-04T09:00+03:00,2026-01-06T10:00+03:00,,,false\n"
    # Completed 2026-01-31T22:30Z = 01:30 on 1 February in Kuwait: February's.
    "W-T3,KJSO,UNAMA,TRV-OFF,2026-01-29T09:00+03:00,2026-01-31T22:30:00Z,,,false\n"
)
# After January was issued: a late record, and W-P1 found defective.
LATE_ROWS = (
    "W-P8,KJSO,UNAMA,PAY-OFF,2026-01-22T09:00+03:00,2026-01-25T10:00+03:00,,,false\n"
    "W-P1,KJSO,UNAMA,PAY-OFF,2026-01-08T09:00+03:00,2026-01-10T10:00+03:00,,,true\n"
)


def active_sla(*, provider, client, lines, start: dt.date, end: dt.date):
    """An active SLA written straight to the tables (no life cycle): ``lines`` are
    (offering, expected volume) pairs."""
    from sla.models import Agreement, Sla, SlaLine, SlaTemplate

    agreement = Agreement.objects.create(
        number=f"SLA-TEST-{Agreement.objects.count() + 1:05d}", provider=provider, client=client
    )
    sla = Sla.objects.create(
        agreement=agreement,
        template=SlaTemplate.objects.get(is_current=True),
        status="active",
        start_date=start,
        end_date=end,
    )
    for offering, volume in lines:
        SlaLine.objects.create(
            sla=sla,
            offering=offering,
            expected_volume=volume,
            cost_recovery_rate=Decimal(1),
            currency="USD",
            rate_unit=offering.rate_unit,
        )
    return sla
