"""Every list page and list endpoint runs a fixed number of queries, whatever the row count.

Each is requested twice, with more rows the second time; the counts must match and stay
under the recorded ceiling so an N+1 regression fails the build.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.choices import Role
from providers.models import ServiceProvider
from tests.factories import (
    ClientEntityFactory,
    DesignationFactory,
    DutyStationFactory,
    OfferingFactory,
    ServiceFactory,
    ServiceProviderFactory,
    StandardFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

# url -> ceiling on queries (session/user lookups included for pages)
API_LISTS = {
    "/api/v1/duty-stations/": 6,
    "/api/v1/holidays/": 5,
    "/api/v1/providers/": 5,
    "/api/v1/client-entities/": 5,
    "/api/v1/areas/": 5,
    "/api/v1/services/": 5,
    "/api/v1/offerings/": 6,
    "/api/v1/standards/": 5,
    "/api/v1/designations/": 5,
    "/api/v1/service-records/": 5,
    "/api/v1/record-imports/": 5,
    "/api/v1/compliance/": 5,
    "/api/v1/slas/": 5,
    "/api/v1/rates/": 5,
    "/api/v1/statements/?provider=UNON&client=UNEP&period=2026-01": 11,
    "/api/v1/network-map/": 7,
}
PAGES = {
    "/catalogue/": 9,
    "/providers/": 9,
    "/clients/": 9,
    "detail-service": 10,
    "/providers/UNON/": 11,
    "/clients/UNEP/": 9,
    "/designations/": 12,
    "/records/": 10,
    "/imports/": 10,
    "/compliance/": 14,
    "/compliance/providers/UNON/": 14,
    "/slas/": 10,
    "/cost-recovery/": 10,
    "/cost-recovery/statements/UNON/UNEP/2026-01/": 12,
    "/cost-recovery/rates/": 10,
    "/cost-recovery/volumes/": 13,
    "/cost-recovery/value-for-money/": 11,
    "/network/map/": 12,
}


_refs = iter(range(10**6))


def add_records(n: int) -> None:
    from tests.records.factories import import_csv

    rows = "".join(
        f"Q-{next(_refs)},UNON,UNEP,CONF-DOC,2026-01-05T09:00,2026-01-06T10:00,,"
        "2026-01-05T10:00/2026-01-05T11:00,false\n"
        for _ in range(n)
    )
    assert import_csv(rows).status == "done"


def add_results(n: int) -> None:
    """Compliance results for UNON in ``n`` more months, all of them past (a month to
    come has no results: pages rightly skip the reads of an empty matrix)."""
    import datetime as dt

    from django.utils import timezone

    from catalogue.models import MinimumServiceStandard
    from compliance.models import ComplianceResult

    unon = ServiceProvider.objects.get(code="UNON")
    standard = MinimumServiceStandard.objects.filter(service__offerings__provider=unon).first()
    for _ in range(n):
        month = dt.date(1990 + next(_refs) % 30, 1, 1)
        ComplianceResult.objects.create(
            key=f"mss:{standard.pk}:{unon.pk}:{month:%Y-%m}",
            scope="mss",
            period=month,
            provider=unon,
            service=standard.service,
            standard=standard,
            kind=standard.kind,
            threshold=standard.threshold,
            clock=standard.clock,
            target_pct=standard.target_pct,
            eligible=10,
            met=9,
            status="breached",
            provisional=False,
            computed_at=timezone.now(),
        )


def add_rows(n: int) -> None:
    """Add ``n`` rows of every kind, including rows that the detail pages list."""
    from catalogue.models import Service
    from clients.models import ClientEntity
    from providers.models import ServiceProvider

    detail_service = Service.objects.order_by("code").first()
    unon = ServiceProvider.objects.get(code="UNON")
    unep = ClientEntity.objects.get(code="UNEP")
    add_records(n)
    add_results(n)
    add_cost_recovery(n)
    for _ in range(n):
        OfferingFactory(service=detail_service).countries.create(country="KE")
        OfferingFactory(provider=unon).countries.create(country="KE")
        DesignationFactory(provider=unon)
        DesignationFactory(client=unep)
        offering = OfferingFactory(scope="regional")
        offering.countries.create(country="KE")
        offering.countries.create(country="UG")
        StandardFactory(service=offering.service)
        DesignationFactory(provider=offering.provider)
        ClientEntityFactory()
        ServiceProviderFactory()
        ServiceFactory()
        DutyStationFactory().holidays.create(date="2026-12-25")


def add_cost_recovery(n: int) -> None:
    """Issued statements of earlier months (each adds its adjustments to a draft), and
    approved SLAs whose lines the volumes page lists."""
    import datetime as dt

    from clients.models import ClientEntity
    from cost_recovery.models import Statement, StatementLine
    from tests.cost_recovery.factories import active_sla

    unon = ServiceProvider.objects.get(code="UNON")
    unep = ClientEntity.objects.get(code="UNEP")
    for _ in range(n):
        month = dt.date(2000 + next(_refs) % 25, 6, 1)
        statement = Statement.objects.create(
            provider=unon, client=unep, month=month, total=1, issued_at="2025-01-01T00:00Z"
        )
        StatementLine.objects.create(
            statement=statement,
            service=unon.offerings.first().service,
            rate=1,
            quantity=1,
            amount=1,
        )
        active_sla(
            provider=unon,
            client=ClientEntityFactory(),
            lines=[(o, 100) for o in unon.offerings.all()[:2]],
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31),
        )


def count(request) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = request()
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


# Answer one object (the statement its parameters name, the network map): no pages, so no
# page_size to take.
NOT_PAGINATED = {"/api/v1/statements/", "/api/v1/network-map/"}


@pytest.mark.parametrize(("url", "ceiling"), API_LISTS.items())
def test_api_list_query_count_is_fixed(url, ceiling):
    api = APIClient()
    api.force_login(user_with_role(Role.MANAGEMENT))  # a fresh user per request, as in real use
    add_rows(2)
    path, _, query = url.partition("?")
    paged = {} if path in NOT_PAGINATED else {"page_size": 500}
    params = {**paged, **dict(p.split("=") for p in query.split("&") if p)}
    few = count(lambda: api.get(path, params))
    add_rows(6)
    many = count(lambda: api.get(path, params))
    assert few == many
    assert many <= ceiling


@pytest.mark.parametrize(("url", "ceiling"), PAGES.items())
def test_page_query_count_is_fixed(client, url, ceiling):
    from catalogue.models import Service

    if url == "detail-service":
        url = f"/catalogue/services/{Service.objects.order_by('code').first().code}/"
    client.force_login(user_with_role(Role.MANAGEMENT))
    add_rows(2)
    few = count(lambda: client.get(url))
    add_rows(6)
    many = count(lambda: client.get(url))
    assert few == many
    assert many <= ceiling
