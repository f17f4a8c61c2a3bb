"""Value for money, for management: per service, every provider's cost per unit beside its
attainment of the standards and its clients' satisfaction over the same months, on its
own page and in the semi-annual review pack."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.choices import Role
from cost_recovery.selectors import value_for_money
from tests.dashboards.factories import make_result
from tests.factories import (
    OfferingFactory,
    ServiceFactory,
    ServiceProviderFactory,
    StandardFactory,
    user_with_role,
)
from tests.records.factories import import_csv

pytestmark = pytest.mark.django_db

JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 1)


@pytest.fixture
def two_providers():
    """One service, two providers: A at 12.50 USD, B at 10.00 USD then 11.00 USD from
    15 February (Nairobi time); both with timeliness and satisfaction results."""
    service = ServiceFactory(code="TST-VFM")
    a = ServiceProviderFactory(code="TST-VA")
    b = ServiceProviderFactory(code="TST-VB")
    OfferingFactory(provider=a, service=service)
    offering_b = OfferingFactory(provider=b, service=service, rate_card__rate=Decimal("10.00"))
    offering_b.rates.update(valid_to=dt.date(2026, 2, 14))
    offering_b.rates.create(rate=Decimal("11.00"), currency="USD", valid_from=dt.date(2026, 2, 15))
    rows = []
    for n in range(4):  # A: 4 in January, one of them defective (not charged)
        defective = "true" if n == 0 else "false"
        rows.append(
            f"VA-{n},TST-VA,UNEP,TST-VFM,2026-01-1{n}T09:00,2026-01-1{n}T10:00,,,{defective}"
        )
    for n, day in enumerate(("2026-02-02", "2026-02-03", "2026-02-16")):  # B: 2 at 10, 1 at 11
        rows.append(f"VB-{n},TST-VB,UNAMA,TST-VFM,{day}T09:00,{day}T10:00,,,false")
    assert import_csv("\n".join(rows) + "\n").status == "done"
    timely = StandardFactory(service=service, target_pct=Decimal(90))
    happy = StandardFactory(
        service=service, kind="satisfaction", threshold=None, clock="", target_pct=Decimal(80)
    )
    for provider, eligible, met, answers, satisfied in ((a, 10, 9, 6, 5), (b, 20, 15, 4, 4)):
        make_result(provider=provider, standard=timely, period=JAN, eligible=eligible, met=met)
        make_result(provider=provider, standard=happy, period=FEB, eligible=answers, met=satisfied)
    return service


def test_cost_per_unit_beside_attainment_and_satisfaction(two_providers):
    rows = value_for_money(
        user=user_with_role(Role.MANAGEMENT), months=[JAN, FEB], service=two_providers
    )
    assert [
        (
            r.provider.code,
            r.units,
            r.amount,
            r.cost_per_unit,
            r.attainment,
            r.satisfaction,
            r.satisfaction_withheld,
        )
        for r in rows
    ] == [
        # 3 charged × 12.50 = 37.50; 9 of 10 met; 5 of 6 satisfied.
        (
            "TST-VA",
            3,
            Decimal("37.50"),
            Decimal("12.50"),
            Decimal("90.00"),
            Decimal("83.33"),
            False,
        ),
        # 2 × 10.00 + 1 × 11.00 = 31.00 over 3 = 10.333… → 10.33; 15 of 20; 4 answers: withheld.
        ("TST-VB", 3, Decimal("31.00"), Decimal("10.33"), Decimal("75.00"), None, True),
    ]


def test_the_page_is_for_the_central_roles_with_its_downloads(client, two_providers):
    query = {"first": "2026-01", "last": "2026-02", "service": "TST-VFM"}
    client.force_login(user_with_role(Role.PROVIDER_MANAGER, provider=ServiceProviderFactory()))
    assert client.get("/cost-recovery/value-for-money/", query).status_code == 403
    client.force_login(user_with_role(Role.MANAGEMENT))
    page = client.get("/cost-recovery/value-for-money/", query).content.decode()
    assert "10.33" in page and "fewer than 5 answers" in page
    response = client.get("/cost-recovery/value-for-money/", {**query, "export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "TST-VB,3,31.00,USD,10.33,75.00," in text.replace("\r", "")


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"first": "2026-03", "last": "2026-01"}, "after the last"),
        ({"first": "2020-01", "last": "2026-01"}, "at most 24 months"),
        ({"last": "2999-01"}, "from 2000-01 to 2100-12"),
        ({"last": "2026-13"}, "YYYY-MM"),
        ({"service": "<script>"}, "No such code"),
    ],
)
def test_bad_filters_say_why_and_show_no_figure(client, query, says):
    client.force_login(user_with_role(Role.CATALOGUE_MANAGER))
    response = client.get("/cost-recovery/value-for-money/", query)
    page = response.content.decode()
    assert says in page and "Correct the filters" in page
    assert (
        client.get("/cost-recovery/value-for-money/", {**query, "export": "csv"}).status_code == 404
    )


def test_the_review_pack_shows_it(client, two_providers):
    client.force_login(user_with_role(Role.MANAGEMENT))
    response = client.get("/dashboards/review/", {"half": "2026-H1"})
    table = response.context["tables"]["value-for-money"]
    assert [(row[1].value, row[5].value) for row in table.rows if row[0].value == "TST-VFM"] == [
        ("TST-VA", Decimal("12.50")),
        ("TST-VB", Decimal("10.33")),
    ]
