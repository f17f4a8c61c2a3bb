"""Amounts are exact decimals rounded half-up per line to the currency's minor unit (ISO
4217, from the project's own table): USD and EUR 2 places, KWD 3, JPY none."""

import datetime as dt
from decimal import Decimal

import pytest

from clients.models import ClientEntity
from core.currencies import currencies, line_amount, rate_text, round_amount
from cost_recovery.selectors import statement_for
from tests.factories import OfferingFactory, ServiceProviderFactory
from tests.records.factories import import_csv


@pytest.mark.parametrize(
    ("value", "code", "rounded"),
    [
        ("2.345", "USD", "2.35"),
        ("2.344999", "USD", "2.34"),
        ("-2.345", "USD", "-2.35"),  # half away from zero, both ways
        ("0.0005", "KWD", "0.001"),
        ("3.7035", "KWD", "3.704"),
        ("12.5", "JPY", "13"),
        ("13.5", "JPY", "14"),  # not to even
        ("0.125", "EUR", "0.13"),
    ],
)
def test_rounds_half_up_to_the_minor_unit(value, code, rounded):
    assert round_amount(Decimal(value), code) == Decimal(rounded)
    assert str(round_amount(Decimal(value), code)) == rounded


def test_a_line_is_quantity_times_rate_then_rounded():
    assert line_amount(3, Decimal("0.1235"), "USD") == Decimal("0.37")  # 0.3705
    assert line_amount(-1, Decimal("25.125"), "USD") == Decimal("-25.13")


def test_the_table_holds_the_minor_units_of_iso_4217():
    table = currencies()
    assert {code: table[code].minor_unit for code in ("USD", "EUR", "CHF", "KWD", "JPY")} == {
        "USD": 2,
        "EUR": 2,
        "CHF": 2,
        "KWD": 3,
        "JPY": 0,
    }
    assert all(len(code) == 3 and code.isupper() for code in table)


def test_rates_are_written_with_their_currencys_decimals():
    assert rate_text(Decimal("16.8000"), "USD") == "16.80"
    assert rate_text(Decimal("0.1250"), "USD") == "0.125"
    assert rate_text(Decimal("700.0000"), "JPY") == "700"
    assert rate_text(Decimal("1.5000"), "KWD") == "1.500"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("currency", "rate", "amount", "total"),
    [("KWD", "1.2345", "3.704", "3.704"), ("JPY", "700.5", "2102", "2102")],
)
def test_a_statement_in_a_currency_of_three_or_no_decimals(currency, rate, amount, total):
    provider = ServiceProviderFactory()
    offering = OfferingFactory(
        provider=provider, rate_card__currency=currency, rate_card__rate=Decimal(rate)
    )
    client = ClientEntity.objects.get(code="UNEP")
    rows = "".join(
        f"C-{n},{provider.code},UNEP,{offering.service.code},2026-03-0{n}T09:00,"
        f"2026-03-0{n}T10:00,,,false\n"
        for n in (2, 3, 4)
    )
    assert import_csv(rows).status == "done"
    view = statement_for(provider=provider, client=client, month=dt.date(2026, 3, 1))
    ((quantity, line_total),) = [(line.quantity, line.amount) for line in view.lines]
    # 3 × 1.2345 = 3.7035 → 3.704 KWD; 3 × 700.5 = 2101.5 → 2102 JPY.
    assert (quantity, line_total, view.total) == (3, Decimal(amount), Decimal(total))
    assert view.currency == currency
