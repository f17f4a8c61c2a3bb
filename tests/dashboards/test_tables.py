"""The dashboards' queries and tables against numbers counted by hand (see ``factories.py``)."""

from decimal import Decimal

import pytest

from accounts.choices import Role
from compliance.selectors import compliance_queryset
from core.months import months_up_to
from dashboards import queries
from dashboards.filtersets import DashboardFilterSet
from dashboards.tables import provider, review
from dashboards.tables.management import (
    breaches_table,
    by_kind,
    heatmap,
    most_breached,
    overdue_backlog,
    trend,
)
from tests.dashboards.factories import FEB, MAR, build_scenario
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
WINDOW = months_up_to(MAR)


@pytest.fixture
def scenario():
    return build_scenario()


@pytest.fixture
def results(scenario):
    return compliance_queryset(user=user_with_role(Role.MANAGEMENT))


def values(table):
    return [[cell.value for cell in row] for row in table.rows]


def load(results, months=WINDOW):
    return queries.Facts.load(results, months=months)


class TestMonths:
    def test_twelve_months_up_to_the_chosen_one(self):
        assert WINDOW[0].isoformat() == "2025-04-01" and WINDOW[-1] == MAR
        assert len(WINDOW) == 12

    def test_latest_month_with_results(self, results):
        assert queries.latest_month(results) == MAR


class TestHeatmap:
    def test_attainment_target_colour_and_breaches_per_provider_and_area(self, results):
        table = heatmap(load(results), months=[MAR], drill={})
        assert [c.label for c in table.columns] == ["Provider", "Area X", "Area Y"]
        a, b = table.rows
        # A × X: r1 + r2 + r3 + r5 = 231 / 250; weighted target 23,200 / 250 = 92.80.
        assert a[1].value == Decimal("92.40")
        assert a[1].css == "heat-near"
        assert a[1].note == "2 breached"
        assert a[2].value is None and a[2].css == "heat-none"
        assert b[2].value == Decimal("100.00") and b[2].css == "heat-met"
        assert table.values()[0] == [
            "TST-A",
            "TST-X",
            4,
            250,
            231,
            Decimal("92.40"),
            Decimal("92.80"),
            2,
            3,
        ]

    def test_cell_opens_its_results(self, results):
        table = heatmap(load(results), months=[MAR], drill={"client_type": "office"})
        href = table.rows[0][1].href
        assert href.startswith("/compliance/?")
        for part in ("provider=TST-A", "area=TST-X", "period=2026-03", "client_type=office"):
            assert part in href


class TestTrendsAndKinds:
    def test_attainment_per_provider_and_month(self, results):
        table = trend(load(results), months=[FEB, MAR], by="provider", drill={})
        assert values(table) == [
            ["TST-A", Decimal("75.00"), Decimal("92.40")],
            ["TST-B", Decimal("50.00"), Decimal("100.00")],
        ]

    def test_every_kind_in_the_results_is_shown_satisfaction_included(self, results):
        table = by_kind(load(results), months=[MAR], drill={})
        assert values(table) == [
            ["accuracy", "mss", 1, 100, 97, Decimal("97.00"), 1],
            ["satisfaction", "mss", 1, 10, 9, Decimal("90.00"), 0],
            ["timeliness", "mss", 2, 150, 145, Decimal("96.67"), 0],
            ["timeliness", "sla", 1, 40, 30, Decimal("75.00"), 1],
        ]

    def test_trend_per_kind(self, results, scenario):
        provider_results = results.filter(provider=scenario.a)
        table = trend(load(provider_results), months=[FEB, MAR], by="kind", drill={})
        assert [row[0].value for row in table.rows] == [
            "Standards: Accuracy",
            "Standards: Satisfaction",
            "Standards: Timeliness",
            "SLA targets: Timeliness",
        ]
        assert values(table)[2] == ["Standards: Timeliness", Decimal("75.00"), Decimal("95.00")]


class TestBreachesBacklogVolumes:
    def test_standards_most_often_breached(self, results):
        table = most_breached(load(results), months=WINDOW, drill={})
        assert [(r[0].value, r[3].value, r[4].value) for r in table.rows] == [
            ("T-TX", 2, 3),
            ("T-AX", 1, 1),
            ("T-TY", 1, 2),
        ]

    def test_open_breaches_newest_first(self, results, scenario):
        table = breaches_table(results, months=WINDOW, drill={})
        assert [(r[0].value, r[2].value) for r in table.rows] == [
            ("2026-03", "T-TX"),
            ("2026-03", "T-AX"),
            ("2026-02", "T-TX"),
            ("2026-02", "T-TY"),
        ]
        assert "completed_month=2026-03" in table.rows[0][5].href

    def test_provisional_breach_not_yet_notified_is_not_open(self, results, scenario):
        scenario.results["r2"].__class__.objects.filter(pk=scenario.results["r2"].pk).update(
            provisional=True
        )
        table = breaches_table(results, months=WINDOW, drill={})
        assert len(table.rows) == 3

    def test_overdue_backlog_per_provider(self, results):
        table = overdue_backlog(load(results), months=WINDOW)
        assert values(table) == [["TST-A", 4], ["TST-B", 2]]
        assert "status=open" in table.rows[0][1].href

    def test_volumes_are_completed_records_of_the_record_based_standards(self, results):
        table = provider.volumes(load(results), months=[FEB, MAR], by="provider")
        assert values(table) == [["TST-A", 80, 100, 180], ["TST-B", 20, 50, 70]]

    def test_breaches_per_provider_and_month(self, results):
        table = review.breaches_by_month(load(results), months=[FEB, MAR], drill={})
        assert values(table) == [["TST-A", 1, 2, 3], ["TST-B", 1, 0, 1]]

    def test_misses_by_service_and_client(self, results, scenario):
        mine = results.filter(provider=scenario.a)
        by_service = provider.misses_by_service(load(mine), months=WINDOW, drill={})
        # r1 + r2 + r3 + r5 + r6: 291 met of 330 eligible.
        assert values(by_service) == [["TST-SX", 3, 5, Decimal("88.18")]]
        by_client = provider.misses_by_client(mine, months=WINDOW, drill={})
        assert values(by_client) == [["TST-C1", 1, 1, Decimal("75.00")]]


class TestSatisfaction:
    def test_satisfaction_results_per_provider(self, results):
        table = review.satisfaction(load(results), months=[FEB, MAR], drill={})
        assert values(table) == [["TST-A", 1, 10, 9, Decimal("90.00"), 0]]

    def test_says_none_yet_without_satisfaction_results(self, results):
        table = review.satisfaction(
            load(results.exclude(kind="satisfaction")), months=[MAR], drill={}
        )
        assert table.rows == [] and "No satisfaction results yet" in table.empty


class TestFilters:
    def filtered(self, results, **data):
        filterset = DashboardFilterSet(data, queryset=results)
        assert filterset.is_valid(), filterset.errors
        return filterset.qs

    def test_region_is_the_providers_time_zone_continent(self, results):
        africa = self.filtered(results, region="africa")
        assert set(africa.values_list("provider__code", flat=True)) == {"TST-A"}
        europe = self.filtered(results, region="europe")
        assert set(europe.values_list("provider__code", flat=True)) == {"TST-B"}

    def test_client_type_keeps_the_sla_targets_of_such_clients(self, results, scenario):
        office = self.filtered(results, client_type="office")
        assert list(office) == [scenario.results["r3"]]

    def test_area_and_provider(self, results):
        assert self.filtered(results, area="TST-Y", provider="TST-B").count() == 2

    @pytest.mark.parametrize(
        "data",
        [
            {"month": "2026-13"},
            {"month": "March"},
            {"month": "2026-03'; DROP TABLE x;--"},
            {"region": "atlantis"},
            {"area": "NOPE"},
            {"provider": "<script>"},
            {"client_type": "alien"},
        ],
    )
    def test_rejects_bad_values(self, results, data):
        filterset = DashboardFilterSet(data, queryset=results)
        assert not filterset.is_valid()
        assert set(filterset.errors) == set(data)
