"""Survey anonymity where satisfaction compliance is shown: a satisfaction result (or a sum
of satisfaction results alone) from 1 to 4 answers shows no eligible, met, attainment or
status, for every user, on the pages, in the API, on the dashboards and in the breach
notifications; from 5 answers, or mixed with other kinds, the figures are shown."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.choices import Role
from compliance.engine import compute_provider_month
from dashboards import queries
from dashboards.tables.management import breaches_table
from dashboards.tables.review import satisfaction
from tests.factories import user_with_role
from tests.surveys.factories import FEB, JAN

pytestmark = pytest.mark.django_db

HIDDEN = "fewer than 5 answers"


@pytest.fixture
def computed(world, answered):
    """UNON travel: January has the standard from 6 answers (4 met, breached) and the
    UNEP SLA target from 3 (2 met, breached); February 1 answer for each."""
    for month in (JAN, FEB):
        compute_provider_month(provider_id=world["unon"].pk, month=month)
    return answered


def api_as(role, **org):
    api = APIClient()
    api.force_login(user_with_role(role, **org))
    return api


def satisfaction_results(api, **params):
    body = api.get(
        "/api/v1/compliance/", {"provider": "UNON", "kind": "satisfaction", **params}
    ).json()
    return {(r["scope"], r["period"]): r for r in body["results"]}


class TestApi:
    @pytest.mark.parametrize("role", ["management", "provider"])
    def test_three_answers_hidden_six_shown(self, world, computed, role):
        api = (
            api_as(Role.MANAGEMENT)
            if role == "management"
            else api_as(Role.PROVIDER_MANAGER, provider=world["unon"])
        )
        results = satisfaction_results(api, period="2026-01")
        six, three = results[("mss", "2026-01")], results[("sla", "2026-01")]
        assert (six["eligible"], six["met"], six["attainment"], six["status"]) == (
            6,
            4,
            "0.6667",
            "breached",
        )
        assert six["figures_withheld"] is False
        assert (three["eligible"], three["met"], three["attainment"], three["status"]) == (
            None,
            None,
            None,
            None,
        )
        assert three["figures_withheld"] is True
        assert three["target_pct"] and three["records"]  # what is not a figure stays

    def test_a_hidden_status_is_not_found_by_filtering_on_it(self, computed):
        results = satisfaction_results(api_as(Role.MANAGEMENT), status="breached")
        assert set(results) == {("mss", "2026-01")}

    @pytest.mark.parametrize("ordering", ["status", "-status", "eligible", "-eligible"])
    def test_sorting_puts_hidden_figures_last_whatever_they_are(self, computed, ordering):
        body = (
            api_as(Role.MANAGEMENT)
            .get(
                "/api/v1/compliance/",
                {"provider": "UNON", "kind": "satisfaction", "ordering": ordering},
            )
            .json()
        )
        assert [r["figures_withheld"] for r in body["results"]] == [False, True, True, True]

    def test_summary_hides_groups_of_satisfaction_results_below_five_answers(self, computed):
        api = api_as(Role.MANAGEMENT)
        params = {"provider": "UNON", "kind": "satisfaction", "period": "2026-01"}
        groups = {
            g["code"]: g
            for g in api.get(
                "/api/v1/compliance/summary/", {**params, "group_by": "client"}
            ).json()["groups"]
        }
        unep, everyone = groups["UNEP"], groups["—"]
        assert unep["figures_withheld"] is True
        assert [unep[k] for k in ("eligible", "met", "attainment", "breached")] == [None] * 4
        assert unep["results"] == 1
        assert everyone["figures_withheld"] is False
        assert (everyone["eligible"], everyone["met"], everyone["breached"]) == (6, 4, 1)
        # The standard's group sums 6 + 3 answers: shown, but the hidden breach is not
        # counted (its status is not shown anywhere).
        (standard,) = api.get(
            "/api/v1/compliance/summary/", {**params, "group_by": "standard"}
        ).json()["groups"]
        assert (standard["eligible"], standard["met"], standard["breached"]) == (9, 6, 1)
        assert standard["figures_withheld"] is False

    def test_schema_documents_the_flag(self):
        schema = api_as(Role.MANAGEMENT).get("/api/schema/", {"format": "json"}).json()
        result = schema["components"]["schemas"]["ComplianceResult"]["properties"]
        assert "fewer than 5 answers" in result["figures_withheld"]["description"]
        assert result["eligible"]["nullable"] and result["met"]["nullable"]
        group = schema["components"]["schemas"]["ComplianceGroup"]["properties"]
        assert "figures_withheld" in group and group["breached"]["nullable"]


class TestPages:
    def test_list_shows_six_answers_and_hides_three(self, world, computed):
        browser = Client()
        browser.force_login(user_with_role(Role.PROVIDER_MANAGER, provider=world["unon"]))
        page = browser.get(
            "/compliance/", {"provider": "UNON", "kind": "satisfaction", "period": "2026-01"}
        ).content.decode()
        assert "4 / 6" in page
        assert HIDDEN in page and "2 / 3" not in page
        assert page.count("badge-breached") == 1  # the 6-answer standard only

    def test_provider_page_matrix_and_breaches(self, world, computed):
        browser = Client()
        browser.force_login(user_with_role(Role.MANAGEMENT))
        page = browser.get("/compliance/providers/UNON/").content.decode()
        assert "4/6" in page
        assert HIDDEN in page
        assert "2/3" not in page and "1/1" not in page
        assert "2 / 3" not in page  # not among the open breaches either


class TestDashboards:
    def table(self, months):
        from compliance.models import ComplianceResult

        results = ComplianceResult.objects.filter(kind="satisfaction")
        data = queries.Facts.load(results, months=months)
        return satisfaction(data, months=months, drill={})

    def test_satisfaction_table_hides_two_answers_and_shows_nine(self, computed):
        (feb,) = self.table([FEB]).rows  # 1 + 1 answers
        assert [c.shown for c in feb[2:5]] == [HIDDEN] * 3
        assert feb[5].value == 0
        (jan,) = self.table([JAN]).rows  # 6 + 3 answers
        assert [c.value for c in jan[2:4]] == [9, 6]
        # Exports: blank figures.
        assert self.table([FEB]).values() == [["UNON", 2, None, None, None, 0]]

    def test_breaches_table_leaves_the_hidden_breach_out(self, computed):
        from compliance.models import ComplianceResult

        table = breaches_table(
            ComplianceResult.objects.filter(kind="satisfaction"), months=[JAN], drill={}
        )
        assert [(row[4].value, row[6].value) for row in table.rows] == [("all clients", 6)]


class TestNotifications:
    @pytest.mark.usefixtures("answered")
    def test_a_breach_from_three_answers_is_not_notified(
        self, world, django_capture_on_commit_callbacks
    ):
        manager = user_with_role(Role.PROVIDER_MANAGER, provider=world["unon"])
        with django_capture_on_commit_callbacks(execute=True):
            compute_provider_month(provider_id=world["unon"].pk, month=JAN)
        notified = list(
            manager.notifications.filter(verb="compliance.breached").values_list("title", "message")
        )
        # One breach told: the standard's, over six answers; the one from three is withheld.
        assert [title for title, _ in notified] == ["UNON missed a standard in January 2026"]
        assert "travel requests standard in January 2026: 67% satisfied (4 of 6)" in notified[0][1]
