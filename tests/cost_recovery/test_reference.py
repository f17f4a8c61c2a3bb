"""The reference rates: ``load_reference`` puts each offering's rate from
reference/offerings.csv on the rate card (from 2020-01-01, no end), idempotently, and
never undoes what the card has become since."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from catalogue.models import Offering
from cost_recovery.models import Rate

pytestmark = pytest.mark.django_db


def load() -> str:
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    return out.getvalue()


def test_every_offering_has_its_reference_rate():
    assert Rate.objects.count() == Offering.objects.count()
    assert not Offering.objects.filter(rates__isnull=True).exists()
    rate = Rate.objects.get(offering__provider__code="UNOG", offering__service__code="CONF-MTG")
    assert (rate.rate, rate.currency, rate.valid_from, rate.valid_to) == (
        Decimal("8320.00"),
        "USD",
        dt.date(2020, 1, 1),
        None,
    )
    assert rate.verification.startswith("illustrative")


def test_loading_again_changes_nothing_and_keeps_an_ended_rate_ended():
    rate = Rate.objects.get(offering__provider__code="UNON", offering__service__code="FIN-ACC")
    rate.valid_to = dt.date(2026, 6, 30)
    rate.save()
    Rate.objects.create(
        offering=rate.offering, rate=Decimal("17"), currency="USD", valid_from=dt.date(2026, 7, 1)
    )
    out = load()
    (rates_line,) = [row for row in out.splitlines() if row.startswith("cost_recovery.Rate")]
    assert "created    0  updated    0" in rates_line
    assert Rate.objects.get(pk=rate.pk).valid_to == dt.date(2026, 6, 30)
    assert rate.offering.rates.count() == 2


def test_an_offering_whose_card_moved_on_is_left_alone():
    offering = Offering.objects.get(provider__code="KJSO", service__code="PAY-OFF")
    offering.rates.all().delete()
    Rate.objects.create(
        offering=offering, rate=Decimal("30"), currency="USD", valid_from=dt.date(2021, 1, 1)
    )
    load()
    assert [r.rate for r in offering.rates.all()] == [Decimal("30")]
