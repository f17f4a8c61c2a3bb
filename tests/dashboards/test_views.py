"""Dashboard pages: who sees what (out of scope is 404), filters, exports, drill-down."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from accounts.choices import Role
from tests.dashboards.factories import MAR, build_scenario, make_result
from tests.factories import ClientEntityFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    return build_scenario()


def signed_in(browser, role, **org):
    browser.force_login(user_with_role(role, **org))
    return browser


def body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


class TestManagementDashboard:
    def test_shows_every_provider_for_the_latest_month(self, client, scenario):
        page = body(signed_in(client, Role.MANAGEMENT).get("/dashboards/"))
        assert "March 2026" in page
        assert "TST-A" in page and "TST-B" in page
        assert "92.4%" in page and "heat-near" in page
        assert "Satisfaction" in page  # every kind in the results, satisfaction included
        assert 'data-chart-for="trend-chart"' in page and "chart.umd.min.js" in page

    def test_catalogue_managers_see_it_too(self, client, scenario):
        assert signed_in(client, Role.CATALOGUE_MANAGER).get("/dashboards/").status_code == 200

    def test_filters_by_region(self, client, scenario):
        response = signed_in(client, Role.MANAGEMENT).get(
            "/dashboards/", {"month": "2026-03", "region": "europe"}
        )
        heatmap = response.context["tables"]["heatmap"]
        assert [row[0].value for row in heatmap.rows] == ["TST-B"]

    @pytest.mark.parametrize(
        "query",
        [{"month": "2026-00"}, {"month": "x" * 500}, {"region": "<b>"}, {"provider": "' OR 1=1"}],
    )
    def test_bad_filters_show_errors_and_no_figures(self, client, scenario, query):
        response = signed_in(client, Role.MANAGEMENT).get("/dashboards/", query)
        page = body(response)
        assert 'role="alert"' in page and "Correct the filters" in page
        assert response.context["table_list"] == []
        assert "<b>" not in page.split("<main")[1]

    def test_empty_state_without_results(self, client):
        page = body(signed_in(client, Role.MANAGEMENT).get("/dashboards/"))
        assert "No compliance figures yet" in page

    def test_provider_users_go_to_their_own_dashboard(self, client, scenario):
        response = signed_in(client, Role.PROVIDER_STAFF, provider=scenario.a).get("/dashboards/")
        assert (
            response.status_code == 302 and response["Location"] == "/dashboards/providers/TST-A/"
        )

    def test_client_users_go_to_their_own_dashboard(self, client, scenario):
        response = signed_in(client, Role.CLIENT_FOCAL_POINT, client=scenario.c1).get(
            "/dashboards/"
        )
        assert response["Location"] == "/dashboards/clients/TST-C1/"

    def test_users_without_an_organisation_get_404(self, client, scenario):
        from tests.factories import UserFactory

        client.force_login(UserFactory())
        assert client.get("/dashboards/").status_code == 404

    def test_anonymous_users_sign_in_first(self, client):
        assert client.get("/dashboards/").status_code == 302


class TestProviderDashboard:
    def test_own_provider(self, client, scenario):
        page = body(
            signed_in(client, Role.PROVIDER_STAFF, provider=scenario.a).get(
                "/dashboards/providers/TST-A/"
            )
        )
        assert "SLA targets: Timeliness" in page and "TST-C1" in page
        assert "TST-B" not in page

    def test_another_provider_is_404(self, client, scenario):
        c = signed_in(client, Role.PROVIDER_MANAGER, provider=scenario.a)
        assert c.get("/dashboards/providers/TST-B/").status_code == 404
        assert c.get("/dashboards/providers/TST-B/?export=csv&table=trend").status_code == 404
        assert c.get("/dashboards/providers/NOPE/").status_code == 404

    def test_another_client_is_404_and_the_review_pack_403_for_a_provider(self, client, scenario):
        c = signed_in(client, Role.PROVIDER_STAFF, provider=scenario.a)
        assert c.get("/dashboards/clients/TST-C1/").status_code == 404
        assert c.get("/dashboards/review/").status_code == 403
        assert c.get("/dashboards/review/?export=xlsx").status_code == 403


class TestClientDashboard:
    def test_own_entity_sees_its_targets_and_its_providers_standards(self, client, scenario):
        response = signed_in(client, Role.CLIENT_FOCAL_POINT, client=scenario.c1).get(
            "/dashboards/clients/TST-C1/"
        )
        by_service = response.context["tables"]["by-service"]
        assert [(r[0].value, r[1].value, r[3].value) for r in by_service.rows] == [
            ("TST-SX", "sla", 40)
        ]

    def test_never_another_clients_figures(self, client, scenario):
        other = ClientEntityFactory(code="TST-C2", type="office")
        make_result(
            provider=scenario.a,
            standard=scenario.tx,
            period=MAR,
            eligible=7,
            met=1,
            scope="sla",
            client=other,
        )
        c = signed_in(client, Role.CLIENT_FOCAL_POINT, client=scenario.c1)
        page = body(c.get("/dashboards/clients/TST-C1/"))
        assert "TST-C2" not in page
        assert c.get("/dashboards/clients/TST-C2/").status_code == 404
        assert c.get("/dashboards/providers/TST-A/").status_code == 404


class TestExports:
    def test_csv_of_a_table_with_the_same_filters(self, client, scenario):
        response = signed_in(client, Role.MANAGEMENT).get(
            "/dashboards/",
            {"month": "2026-03", "region": "africa", "export": "csv", "table": "heatmap"},
        )
        assert response["Content-Type"].startswith("text/csv")
        assert "management-heatmap-2026-03.csv" in response["Content-Disposition"]
        rows = list(
            csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
        )
        assert rows[0][:3] == ["provider", "area", "results"]
        assert rows[1:] == [["TST-A", "TST-X", "4", "250", "231", "92.40", "92.80", "2", "3"]]

    def test_xlsx_of_a_table(self, client, scenario):
        response = signed_in(client, Role.MANAGEMENT).get(
            "/dashboards/", {"month": "2026-03", "export": "xlsx", "table": "trend"}
        )
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == "Provider" and rows[0][-1] == "Mar 2026"
        assert rows[1][0] == "TST-A" and float(rows[1][-1]) == pytest.approx(92.4)

    def test_exports_neutralise_formulas(self, client, scenario):
        hostile = ClientEntityFactory(code="TST-EVIL", name='=HYPERLINK("http://x")')
        make_result(
            provider=scenario.a,
            standard=scenario.tx,
            period=MAR,
            eligible=5,
            met=1,
            scope="sla",
            client=hostile,
        )
        c = signed_in(client, Role.MANAGEMENT)
        query = {"month": "2026-03", "table": "misses-client"}
        response = c.get("/dashboards/providers/TST-A/", {**query, "export": "xlsx"})
        sheet = load_workbook(io.BytesIO(response.content)).active
        cells = [v for row in sheet.iter_rows(values_only=True) for v in row]
        assert "TST-EVIL" in cells
        assert all(not (isinstance(v, str) and v.startswith("=")) for v in cells)
        response = c.get("/dashboards/providers/TST-A/", {**query, "export": "csv"})
        assert b"=HYPERLINK" not in b"".join(response.streaming_content).replace(b"'=", b"")

    def test_review_pack_downloads_every_table_in_one_workbook(self, client, scenario):
        response = signed_in(client, Role.MANAGEMENT).get(
            "/dashboards/review/", {"half": "2026-H1", "export": "xlsx"}
        )
        assert "review-pack-2026-H1.xlsx" in response["Content-Disposition"]
        workbook = load_workbook(io.BytesIO(response.content))
        assert "Client satisfaction" in workbook.sheetnames
        assert any(name.startswith("Value for money") for name in workbook.sheetnames)
        assert len(workbook.sheetnames) == 8

    @pytest.mark.parametrize(
        "query",
        [
            {"export": "pdf", "table": "trend"},
            {"export": "csv", "table": "nope"},
            {"export": "csv", "month": "bad", "table": "trend"},
        ],
    )
    def test_unknown_format_table_or_bad_filters_are_404(self, client, scenario, query):
        assert signed_in(client, Role.MANAGEMENT).get("/dashboards/", query).status_code == 404


class TestReviewPack:
    def test_half_year_with_satisfaction_and_volumes(self, client, scenario):
        response = signed_in(client, Role.MANAGEMENT).get(
            "/dashboards/review/", {"half": "2026-H1"}
        )
        page = body(response)
        assert "January 2026 – June 2026" in page
        tables = response.context["tables"]
        assert [r[0].value for r in tables["satisfaction"].rows] == ["TST-A"]
        assert [c.value for c in tables["volumes"].rows[0]][-1] == 180
        assert "data-print" in page

    def test_says_no_satisfaction_results_yet(self, client, scenario):
        scenario.sat.delete()  # cascades to its results
        page = body(
            signed_in(client, Role.MANAGEMENT).get("/dashboards/review/", {"half": "2026-H1"})
        )
        assert "No satisfaction results yet" in page

    def test_rejects_a_bad_half(self, client, scenario):
        response = signed_in(client, Role.MANAGEMENT).get(
            "/dashboards/review/", {"half": "2026-H3"}
        )
        assert "Use YYYY-H1 or YYYY-H2" in body(response)


class TestDrillDown:
    def test_results_page_filters_by_area_region_and_client_type(self, client, scenario):
        c = signed_in(client, Role.MANAGEMENT)
        response = c.get(
            "/compliance/", {"provider": "TST-A", "area": "TST-X", "period": "2026-03"}
        )
        assert len(response.context["complianceresult_list"]) == 4
        response = c.get("/compliance/", {"region": "europe"})
        assert {r.provider.code for r in response.context["complianceresult_list"]} == {"TST-B"}
        response = c.get("/compliance/", {"client_type": "office"})
        assert [r.client.code for r in response.context["complianceresult_list"]] == ["TST-C1"]

    def test_records_page_filters_by_completed_month(self, client):
        from tests.records.factories import import_csv

        import_csv(
            "D-1,UNON,UNEP,CONF-DOC,2026-02-02T08:00,2026-02-03T09:00,,,false\n"
            "D-2,UNON,UNEP,CONF-DOC,2026-03-02T08:00,2026-03-03T09:00,,,false\n"
        )
        c = signed_in(client, Role.MANAGEMENT)
        response = c.get("/records/", {"provider": "UNON", "completed_month": "2026-03"})
        assert [r.external_ref for r in response.context["servicerecord_list"]] == ["D-2"]
        response = c.get("/records/", {"completed_month": "2026-3"})
        assert "Use YYYY-MM" in response.content.decode()


class TestCache:
    def test_figures_are_kept_until_the_next_compliance_run(self, client, scenario, settings):
        from django.core.cache import cache
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        from compliance.models import ComplianceRun

        settings.DASHBOARD_CACHE_SECONDS = 60
        cache.clear()
        c = signed_in(client, Role.MANAGEMENT)
        first = c.get("/dashboards/", {"month": "2026-03"})
        r1 = scenario.results["r1"]
        type(r1).objects.filter(pk=r1.pk).update(met=100)
        with CaptureQueriesContext(connection) as cached:
            again = c.get("/dashboards/", {"month": "2026-03"})
        heatmap = again.context["tables"]["heatmap"]
        assert heatmap.rows[0][1].value == first.context["tables"]["heatmap"].rows[0][1].value
        assert len(cached) < 10
        # A run that finishes makes the page compute its figures again.
        now = timezone.now()
        ComplianceRun.objects.create(
            provider=scenario.a, period=MAR, started_at=now, finished_at=now, status="done"
        )
        fresh = c.get("/dashboards/", {"month": "2026-03"}).context["tables"]["heatmap"]
        assert fresh.rows[0][1].value == Decimal("94.40")  # (231 + 5) / 250
