"""Every dashboard runs a fixed number of queries, whatever the number of results,
providers, clients, kinds or open records (each page requested twice, with more rows
the second time)."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.choices import Role
from tests.dashboards.factories import FEB, MAR, build_scenario, make_result
from tests.factories import ClientEntityFactory, StandardFactory, user_with_role
from tests.records.factories import import_csv

pytestmark = pytest.mark.django_db
_refs = itertools.count()

# url -> ceiling (session, user, scope, notifications and the filter form included)
PAGES = {
    "/dashboards/": 13,
    "/dashboards/?month=2026-03&region=africa&area=TST-X&client_type=office": 13,
    "/dashboards/?export=xlsx&table=heatmap": 10,
    "/dashboards/providers/TST-A/": 14,
    "/dashboards/providers/TST-A/?export=csv&table=overdue-records": 12,
    "/dashboards/clients/TST-C1/": 17,
    "/dashboards/review/?half=2026-H1": 15,  # value for money: 4
    "/dashboards/review/?half=2026-H1&export=xlsx": 12,
}


def grow(scenario, n: int) -> None:
    """More of everything the pages show: results of more clients, standards and kinds in
    both months, and open records of the providers and the client."""
    for _ in range(n):
        other = ClientEntityFactory(type="office")
        sat = StandardFactory(
            service=scenario.tx.service, kind="satisfaction", threshold=None, clock=""
        )
        for period in (FEB, MAR):
            make_result(
                provider=scenario.a,
                standard=scenario.tx,
                period=period,
                eligible=9,
                met=3,
                scope="sla",
                client=other,
            )
            make_result(
                provider=scenario.a,
                standard=scenario.tx,
                period=period,
                eligible=9,
                met=3,
                scope="sla",
                client=scenario.c1,
            )
            make_result(provider=scenario.a, standard=sat, period=period, eligible=4, met=4)
            make_result(
                provider=scenario.b,
                standard=scenario.ty,
                period=period,
                eligible=3,
                met=1,
                overdue=1,
            )
    rows = "".join(
        f"Q-{next(_refs)},UNON,UNEP,CONF-DOC,2026-01-05T09:00,,open,,false\n"
        f"Q-{next(_refs)},KJSO,UNAMA,PAY-OFF,2026-01-05T09:00,,open,,false\n"
        for _ in range(n)
    )
    assert import_csv(rows).status == "done"


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("url", "ceiling"), PAGES.items())
def test_dashboard_query_count_is_fixed(client, url, ceiling):
    scenario = build_scenario()
    client.force_login(user_with_role(Role.MANAGEMENT))
    grow(scenario, 1)
    few = count(client, url)
    grow(scenario, 5)
    many = count(client, url)
    assert few == many
    assert many <= ceiling


def test_provider_and_client_users_query_counts_are_fixed(client):
    scenario = build_scenario()
    for user, url in (
        (user_with_role(Role.PROVIDER_STAFF, provider=scenario.a), "/dashboards/providers/TST-A/"),
        (
            user_with_role(Role.CLIENT_FOCAL_POINT, client=scenario.c1),
            "/dashboards/clients/TST-C1/",
        ),
    ):
        client.force_login(user)
        grow(scenario, 1)
        few = count(client, url)
        grow(scenario, 4)
        assert count(client, url) == few
