"""List pages count at most ``cap`` + 1 rows: past the cap they say "more than N results"
and offer the first pages only (a count of a million records costs every page view)."""

import pytest
from django.core.paginator import InvalidPage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.choices import Role
from clients.models import ClientEntity
from core.views import CappedPaginator, LateRowPaginator
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 30)


def test_below_the_cap_the_count_is_exact(small_cap):
    few = ClientEntity.objects.order_by("code").filter(code__startswith="UNM")
    exact = few.count()
    assert 0 < exact <= 30
    paginator = CappedPaginator(few, 10)
    assert (paginator.count, paginator.capped) == (exact, False)
    assert paginator.num_pages == -(-exact // 10)


def test_past_the_cap_only_the_first_pages_are_offered(small_cap):
    paginator = CappedPaginator(ClientEntity.objects.order_by("code"), 10)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (31, True, 3)
    codes = [c.code for c in ClientEntity.objects.order_by("code")[:30]]
    pages = [e.code for n in (1, 2, 3) for e in paginator.page(n)]
    assert pages == codes
    assert not paginator.page(3).has_next()
    with pytest.raises(InvalidPage):
        paginator.page(4)


def test_the_count_reads_at_most_cap_plus_one_rows_without_sorting(small_cap):
    paginator = CappedPaginator(ClientEntity.objects.order_by("name"), 10)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 31
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert "LIMIT 31" in sql
    assert "ORDER BY" not in sql


def test_a_list_page_says_more_than_the_cap(client, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 50)  # 25 a page: the first 2 pages
    assert ClientEntity.objects.count() > 50
    client.force_login(user_with_role(Role.MANAGEMENT))
    page = client.get("/clients/").content.decode()
    assert "more than 50 results" in page
    assert "Last »" not in page
    assert "Next ›" in page
    last = client.get("/clients/?page=2").content.decode()
    assert "Page 2 of the first 2" in last
    assert "Next ›" not in last
    assert client.get("/clients/?page=3").status_code == 404
    # Narrowed below the cap: the exact count and every page, as before.
    narrow = client.get("/clients/?q=UNM").content.decode()
    assert "more than" not in narrow


def test_late_rows_give_the_same_pages_in_one_query_each():
    """Ordered by another table's column, with ties broken by code: every page holds the
    rows a plain slice would, in the same order, read with their related objects in one
    query (the count aside)."""
    from catalogue.models import Service

    services = Service.objects.select_related("area").order_by("-area__code", "code")
    plain, late = CappedPaginator(services, 7), LateRowPaginator(services, 7)
    assert late.num_pages == plain.num_pages > 2
    for number in plain.page_range:
        expected = [s.code for s in plain.page(number)]
        page = late.page(number)
        with CaptureQueriesContext(connection) as ctx:
            got = [(s.code, s.area.code) for s in page]
        assert [code for code, _ in got] == expected
        assert len(ctx.captured_queries) == 1
        assert "IN (SELECT" in ctx.captured_queries[0]["sql"]  # the keys chosen first
