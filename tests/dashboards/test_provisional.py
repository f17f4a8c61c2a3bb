"""Provisional months on the dashboards and the review pack (DOMAIN §5: the current month,
in the provider's zone, is provisional): each opens on the last complete month (or
half-year), says which it shows and whether it is provisional, links to the current one,
and marks every provisional figure, in its cell, its column heading and the exports.

The clock is set (``now``): April 2026 is the current month; March and February are over
(``factories.py``: TST-A in Nairobi, TST-B in Rome). April's results are provisional."""

import csv
import datetime as dt
import html
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts.choices import Role
from core.months import PROVISIONAL, PROVISIONAL_MIXED
from tests.dashboards.factories import build_scenario, make_result
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

APR = dt.date(2026, 4, 1)
DEC = dt.date(2025, 12, 1)
MID_APRIL = dt.datetime(2026, 4, 10, 12, tzinfo=dt.UTC)


def at(monkeypatch, instant: dt.datetime) -> None:
    """The portal's clock reads ``instant``."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: instant)


@pytest.fixture
def scenario(monkeypatch):
    at(monkeypatch, MID_APRIL)
    made = build_scenario()
    made.results["p1"] = make_result(
        provider=made.a,
        standard=made.tx,
        period=APR,
        eligible=3,
        met=0,
        overdue=1,
        provisional=True,
    )
    made.results["p2"] = make_result(
        provider=made.b, standard=made.ty, period=APR, eligible=4, met=4, provisional=True
    )
    return made


@pytest.fixture
def management(client):
    client.force_login(user_with_role(Role.MANAGEMENT))
    return client


def page(response) -> str:
    """The page's text, its characters unescaped (an apostrophe is &#x27; in the HTML)."""
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def xlsx_rows(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


class TestDefaultMonth:
    def test_management_opens_on_the_last_complete_month_with_the_current_a_click_away(
        self, management, scenario
    ):
        response = management.get("/dashboards/")
        html = page(response)
        assert response.context["month"] == dt.date(2026, 3, 1)
        assert "Management dashboard · March 2026" in html
        assert "Showing <strong>March 2026</strong>. March 2026 is a complete month." in html
        assert (
            '<a href="/dashboards/?month=2026-04">See the current month, April 2026 '
            "(provisional)</a>" in html
        )
        assert "See the last complete month" not in html
        # Nothing of March is provisional: no mark.
        assert PROVISIONAL not in html and PROVISIONAL_MIXED not in html

    def test_provider_and_client_dashboards_too(self, client, scenario):
        client.force_login(user_with_role(Role.PROVIDER_STAFF, provider=scenario.a))
        response = client.get("/dashboards/providers/TST-A/")
        assert response.context["month"] == dt.date(2026, 3, 1)
        assert "March 2026 is a complete month." in page(response)
        assert "/dashboards/providers/TST-A/?month=2026-04" in page(response)
        client.force_login(user_with_role(Role.CLIENT_FOCAL_POINT, client=scenario.c1))
        response = client.get("/dashboards/clients/TST-C1/")
        assert response.context["month"] == dt.date(2026, 3, 1)
        assert "/dashboards/clients/TST-C1/?month=2026-04" in page(response)

    def test_the_other_filters_are_kept_in_the_link(self, management, scenario):
        html = page(management.get("/dashboards/", {"region": "africa"}))
        assert 'href="/dashboards/?region=africa&month=2026-04"' in html

    def test_without_a_complete_month_the_latest_is_shown_as_provisional(
        self, management, monkeypatch
    ):
        at(monkeypatch, MID_APRIL)
        made = build_scenario()
        type(made.results["r1"]).objects.all().delete()
        make_result(provider=made.a, standard=made.tx, period=APR, eligible=3, met=3, provisional=1)
        response = management.get("/dashboards/")
        assert response.context["month"] == APR
        assert "April 2026 is provisional: the month is not over" in page(response)

    def test_a_month_finishing_in_a_zone_behind_is_shown_rather_than_the_current_one(
        self, management, scenario
    ):
        # March's results of TST-B are still provisional (not yet computed again since
        # March ended): the dashboard still opens on March, marked provisional.
        scenario.results["r4"].__class__.objects.filter(pk=scenario.results["r4"].pk).update(
            provisional=True
        )
        response = management.get("/dashboards/")
        assert response.context["month"] == dt.date(2026, 3, 1)
        html = page(response)
        assert "March 2026 is provisional" in html and PROVISIONAL in html


class TestTheCurrentMonth:
    def test_says_it_is_provisional_and_marks_every_figure(self, management, scenario):
        response = management.get("/dashboards/", {"month": "2026-04"})
        html = page(response)
        assert "Management dashboard · April 2026" in html
        assert (
            "April 2026 is provisional: the month is not over in every provider's time zone, "
            "so these figures will still change." in html
        )
        assert '<a href="/dashboards/">See the last complete month</a>' in html
        tables = response.context["tables"]
        heatmap = tables["heatmap"]
        assert {cell.provisional for row in heatmap.rows for cell in row[1:] if cell.href} == {
            PROVISIONAL
        }
        assert f'<div class="small provisional">{PROVISIONAL}</div>' in html
        trend = tables["trend"]
        assert trend.columns[-1].label == "Apr 2026 (provisional)"
        assert trend.columns[-2].label == "Mar 2026"
        a_row = trend.rows[0]
        assert a_row[-1].provisional == PROVISIONAL and a_row[-2].provisional == ""
        # Over twelve months, April among them: marked as such.
        most = {row[0].value: row[5].provisional for row in tables["most-breached"].rows}
        assert most == {"T-TX": PROVISIONAL_MIXED, "T-AX": "", "T-TY": PROVISIONAL_MIXED}
        assert [(row[0].value, row[1].provisional) for row in tables["overdue"].rows] == [
            ("TST-A", PROVISIONAL_MIXED),
            ("TST-B", PROVISIONAL_MIXED),
        ]
        # A breach of April is not an open breach yet.
        assert "2026-04" not in [row[0].value for row in tables["breaches"].rows]

    def test_the_providers_page_uses_the_providers_own_zone(self, client, monkeypatch):
        # 31 March 22:00 UTC: April has begun in Nairobi (UTC+3), not in UTC.
        at(monkeypatch, dt.datetime(2026, 3, 31, 22, tzinfo=dt.UTC))
        build_scenario()
        client.force_login(user_with_role(Role.MANAGEMENT))
        html = page(client.get("/dashboards/providers/TST-A/", {"month": "2026-03"}))
        assert "March 2026 is a complete month." in html
        assert "See the current month, April 2026 (provisional)" in html
        html = page(client.get("/dashboards/", {"month": "2026-03"}))
        assert "March 2026 is provisional: the month is not over" in html

    def test_provider_dashboard_marks_months_and_mixed_totals(self, management, scenario):
        response = management.get("/dashboards/providers/TST-A/", {"month": "2026-04"})
        html = page(response)
        assert "in the provider's time zone (Africa/Nairobi)" in html
        tables = response.context["tables"]
        volumes = tables["volumes"]
        assert volumes.columns[-2].label == "Apr 2026 (provisional)"
        (row,) = volumes.rows
        assert [c.provisional for c in row[-3:]] == ["", PROVISIONAL, PROVISIONAL_MIXED]
        assert tables["misses-service"].rows[0][3].provisional == PROVISIONAL_MIXED
        kinds = tables["kinds"]  # the month alone
        assert {row[5].provisional for row in kinds.rows} == {PROVISIONAL}

    def test_client_dashboard_marks_its_figures(self, client, scenario):
        make_result(
            provider=scenario.a,
            standard=scenario.tx,
            period=APR,
            eligible=5,
            met=5,
            scope="sla",
            client=scenario.c1,
            provisional=True,
        )
        client.force_login(user_with_role(Role.CLIENT_FOCAL_POINT, client=scenario.c1))
        response = client.get("/dashboards/clients/TST-C1/", {"month": "2026-04"})
        assert "April 2026 is provisional" in page(response)
        by_service = response.context["tables"]["by-service"]
        assert {row[5].provisional for row in by_service.rows} == {PROVISIONAL_MIXED}


class TestExports:
    def test_csv_of_the_current_month_carries_the_mark(self, management, scenario):
        response = management.get(
            "/dashboards/", {"month": "2026-04", "export": "csv", "table": "heatmap"}
        )
        assert "management-heatmap-2026-04-provisional.csv" in response["Content-Disposition"]
        rows = csv_rows(response)
        assert rows[0][-1] == "provisional" and len(rows[0]) == 10
        assert [row[-1] for row in rows[1:]] == [PROVISIONAL, PROVISIONAL]

    def test_xlsx_of_a_trend_with_the_current_month(self, management, scenario):
        response = management.get(
            "/dashboards/", {"month": "2026-04", "export": "xlsx", "table": "trend"}
        )
        rows = xlsx_rows(response)
        assert rows[0][-2:] == ("Apr 2026 (provisional)", "provisional")
        assert [row[-1] for row in rows[1:]] == [PROVISIONAL, PROVISIONAL]

    def test_a_complete_months_exports_have_no_mark(self, management, scenario):
        response = management.get("/dashboards/", {"export": "csv", "table": "heatmap"})
        assert "management-heatmap-2026-03.csv" in response["Content-Disposition"]
        rows = csv_rows(response)
        assert "provisional" not in rows[0] and all(len(row) == 9 for row in rows)

    @pytest.mark.parametrize(
        "url", ["/dashboards/", "/dashboards/providers/TST-A/", "/dashboards/clients/TST-C1/"]
    )
    def test_every_table_of_the_current_month_carries_the_same_column(
        self, management, scenario, url
    ):
        response = management.get(url, {"month": "2026-04"})
        for key, table in response.context["tables"].items():
            header, values = table.header(), table.values()
            if table.undated:  # open records, designations, SLAs: of now, not of a month
                assert "provisional" not in header, key
                continue
            assert header[-1] == "provisional", key
            assert all(row[-1] in (PROVISIONAL, PROVISIONAL_MIXED, "") for row in values), key
            csv_export = management.get(url, {"month": "2026-04", "export": "csv", "table": key})
            assert csv_rows(csv_export)[0][-1] == "provisional", key


class TestReviewPack:
    def test_opens_on_the_last_complete_half_year(self, management, scenario):
        make_result(provider=scenario.a, standard=scenario.tx, period=DEC, eligible=5, met=5)
        response = management.get("/dashboards/review/")
        html = page(response)
        assert response.context["half"] == (dt.date(2025, 7, 1), DEC)
        assert "Semi-annual review pack · July 2025 – December 2025" in html
        assert "A complete half-year." in html
        assert (
            '<a href="/dashboards/review/?half=2026-H1">See the current half-year, 2026-H1 '
            "(provisional)</a>" in html
        )
        response = management.get("/dashboards/review/", {"export": "xlsx"})
        assert "review-pack-2025-H2.xlsx" in response["Content-Disposition"]

    def test_the_current_half_year_says_it_is_provisional(self, management, scenario):
        response = management.get("/dashboards/review/", {"half": "2026-H1"})
        html = page(response)
        assert (
            "This half-year is provisional: it is not over yet (April 2026: month not over), "
            "so these figures will still change." in html
        )
        assert '<a href="/dashboards/review/">See the last complete half-year</a>' in html
        tables = response.context["tables"]
        assert tables["breaches-by-month"].columns[4].label == "Apr 2026 (provisional)"
        kinds = {(row[0].value, row[1].value): row[5].provisional for row in tables["kinds"].rows}
        assert kinds[("timeliness", "mss")] == PROVISIONAL_MIXED  # April among its months
        assert kinds[("accuracy", "mss")] == ""  # March only
        response = management.get("/dashboards/review/", {"half": "2026-H1", "export": "xlsx"})
        assert "review-pack-2026-H1-provisional.xlsx" in response["Content-Disposition"]
        workbook = load_workbook(io.BytesIO(response.content))
        for sheet in workbook.worksheets:
            header = next(sheet.iter_rows(values_only=True))
            assert header[-1] == "provisional", sheet.title

    def test_without_a_complete_half_year_the_current_one_is_shown(self, management, scenario):
        # Results from February on only: no half-year before 2026-H1 has any.
        response = management.get("/dashboards/review/")
        assert response.context["half"] == (dt.date(2026, 1, 1), dt.date(2026, 6, 1))
        assert "This half-year is provisional" in page(response)

    def test_a_half_year_ended_and_final_is_complete(self, management, monkeypatch):
        at(monkeypatch, dt.datetime(2026, 7, 3, tzinfo=dt.UTC))
        made = build_scenario()
        make_result(
            provider=made.a, standard=made.tx, period=dt.date(2026, 6, 1), eligible=2, met=2
        )
        make_result(
            provider=made.a,
            standard=made.tx,
            period=dt.date(2026, 7, 1),
            eligible=2,
            met=2,
            provisional=True,
        )
        response = management.get("/dashboards/review/")
        assert response.context["half"] == (dt.date(2026, 1, 1), dt.date(2026, 6, 1))
        assert "A complete half-year." in page(response)


class TestBadInput:
    @pytest.mark.parametrize(
        ("url", "query", "message"),
        [
            ("/dashboards/", {"month": "2026-05"}, "2026-05 has not begun yet: choose 2026-04"),
            ("/dashboards/", {"month": "2031-01"}, "has not begun yet"),
            ("/dashboards/", {"month": "2026-4"}, "Use YYYY-MM"),
            ("/dashboards/", {"month": "0000-01"}, "0000-01 is too early"),
            ("/dashboards/", {"month": "0001-05"}, "0001-05 is too early"),
            ("/dashboards/providers/TST-A/", {"month": "2026-05"}, "has not begun yet"),
            ("/dashboards/clients/TST-C1/", {"month": "2027-01"}, "has not begun yet"),
            ("/dashboards/review/", {"half": "2026-H2"}, "2026-H2 has not begun yet: choose "),
            ("/dashboards/review/", {"half": "0000-H1"}, "is too early"),
            ("/dashboards/review/", {"half": "2026-H7"}, "Use YYYY-H1 or YYYY-H2"),
        ],
    )
    def test_is_refused_with_a_clear_message_and_no_figures(
        self, management, scenario, url, query, message
    ):
        response = management.get(url, query)
        html = page(response)
        assert message in html and 'role="alert"' in html
        assert response.context["table_list"] == []
        assert "Showing <strong>" not in html and "See the current" not in html

    @pytest.mark.parametrize(
        "query",
        [
            {"month": "2026-05", "export": "csv", "table": "heatmap"},
            {"month": "0001-05", "export": "xlsx", "table": "trend"},
        ],
    )
    def test_exports_are_refused_too(self, management, scenario, query):
        assert management.get("/dashboards/", query).status_code == 404

    def test_the_current_month_in_the_earliest_zone_is_allowed(self, management, monkeypatch):
        # 30 April 11:00 UTC: May has begun at UTC+14.
        at(monkeypatch, dt.datetime(2026, 4, 30, 11, tzinfo=dt.UTC))
        build_scenario()
        assert management.get("/dashboards/", {"month": "2026-05"}).context["table_list"]


def test_query_counts_stay_fixed_with_provisional_months(management, scenario):
    """The same number of queries as with complete months only (see test_query_counts)."""
    urls = [
        "/dashboards/",
        "/dashboards/?month=2026-04",
        "/dashboards/providers/TST-A/",
        "/dashboards/clients/TST-C1/",
        "/dashboards/review/",
        "/dashboards/review/?half=2026-H1",
    ]

    def counts():
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert management.get(url).status_code == 200
            found.append(len(ctx.captured_queries))
        return found

    few = counts()
    for n in range(5):
        make_result(
            provider=scenario.b,
            standard=scenario.ty,
            period=APR,
            eligible=n + 1,
            met=n,
            provisional=True,
        )
    assert counts() == few
    assert few[2] <= 14 and few[3] <= 17 and few[5] <= 15  # the ceilings of test_query_counts
