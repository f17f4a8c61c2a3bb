"""Satisfaction compliance (DOMAIN §5) from the survey answers, against numbers computed
by hand: eligible = answers about the provider and service in the month (provider's time
zone), met = overall ≥ 4; SLA targets count their client's answers while in force."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.engine import compute_provider_month, measures_for
from compliance.models import ComplianceResult
from surveys.services import satisfaction_totals
from tests.surveys.factories import FEB, JAN, answer, at

pytestmark = pytest.mark.django_db


def result(key_prefix: str, provider, month):
    return ComplianceResult.objects.get(
        kind="satisfaction", key__startswith=key_prefix, provider=provider, period=month
    )


class TestSatisfactionCompliance:
    def test_standard_and_target_from_the_answers(self, world, answered):
        unon = world["unon"]
        compute_provider_month(provider_id=unon.pk, month=JAN)
        compute_provider_month(provider_id=unon.pk, month=FEB)
        mss = result("mss:", unon, JAN)
        # 6 answers, 4 with overall ≥ 4: 400 < 80 × 6 = 480.
        assert (mss.eligible, mss.met, mss.status) == (6, 4, "breached")
        assert mss.standard.code == "MSS-TRV-OFF-S" and mss.client_id is None
        assert (mss.threshold, mss.clock, mss.target_pct) == (None, "", Decimal("80.000"))
        target = result("sla:", unon, JAN)
        # UNEP's answers from 15 January: 4, 3, 5 → 2 of 3; 200 < 90 × 3 = 270.
        assert (target.eligible, target.met, target.status) == (3, 2, "breached")
        assert target.sla_id == answered["sla"].pk and target.client.code == "UNEP"
        feb_mss, feb_target = result("mss:", unon, FEB), result("sla:", unon, FEB)
        assert (feb_mss.eligible, feb_mss.met, feb_mss.status) == (1, 1, "met")
        assert (feb_target.eligible, feb_target.met, feb_target.status) == (1, 1, "met")
        assert not mss.provisional

    def test_a_changed_answer_changes_the_result(self, world, answered):
        unon = world["unon"]
        campaign = answered["campaign"]
        answer(answered["unep"][2], campaign, world["unon_trv"], overall=5, now=at(25))
        compute_provider_month(provider_id=unon.pk, month=JAN)
        # 5 of 6: 500 ≥ 480.
        mss = result("mss:", unon, JAN)
        assert (mss.eligible, mss.met, mss.status) == (6, 5, "met")
        target = result("sla:", unon, JAN)
        # 3 of 3 (the answer keeps its first day, 20 January).
        assert (target.eligible, target.met, target.status) == (3, 3, "met")

    def test_a_provider_without_answers_has_no_data(self, world, answered):
        kjso = world["kjso"]
        compute_provider_month(provider_id=kjso.pk, month=JAN)
        mss = result("mss:", kjso, JAN)
        assert (mss.eligible, mss.met, mss.status) == (0, 0, "no_data")

    def test_same_numbers_once_twice_or_months_together(self, world, answered):
        from compliance.engine import compute_provider_months

        unon = world["unon"]
        compute_provider_month(provider_id=unon.pk, month=JAN)
        compute_provider_month(provider_id=unon.pk, month=FEB)

        def numbers():
            return set(
                ComplianceResult.objects.filter(kind="satisfaction").values_list(
                    "key", "eligible", "met", "status"
                )
            )

        first = numbers()
        compute_provider_month(provider_id=unon.pk, month=JAN)
        compute_provider_months(provider_id=unon.pk, months=[JAN, FEB])
        assert first == numbers() and len(first) == 4

    def test_a_closed_breached_month_is_notified_once(self, world, answered):
        from accounts.models import Notification

        unon = world["unon"]
        compute_provider_month(provider_id=unon.pk, month=JAN)
        mss = result("mss:", unon, JAN)
        assert mss.status == "breached" and mss.breach_notified_at is not None
        sent = Notification.objects.count()
        compute_provider_month(provider_id=unon.pk, month=JAN)
        assert Notification.objects.count() == sent

    def test_timeliness_and_accuracy_results_are_kept(self, world, answered):
        unon = world["unon"]
        compute_provider_month(provider_id=unon.pk, month=JAN)
        kinds = set(
            ComplianceResult.objects.filter(provider=unon, period=JAN).values_list(
                "kind", flat=True
            )
        )
        assert {"timeliness", "satisfaction"} <= kinds

    def test_fixed_queries_whatever_the_number_of_measures(self, world, answered):
        unon, kjso = world["unon"], world["kjso"]

        def measures(batches):
            found = measures_for(
                batches=[(p, p.duty_station.work_calendar(), months) for p, months in batches]
            )
            return [m for m in found if m.kind == "satisfaction"]

        few = measures([(unon, [JAN])])
        many = measures([(unon, [JAN, FEB]), (kjso, [JAN, FEB])])
        assert len(many) > len(few) > 0
        with CaptureQueriesContext(connection) as one:
            satisfaction_totals(few, {})
        with CaptureQueriesContext(connection) as all_of_them:
            totals = satisfaction_totals(many, {})
        assert len(one.captured_queries) == len(all_of_them.captured_queries) == 2
        assert {key.split(":")[0] for key in totals} == {"mss", "sla"}


def test_the_compliance_api_serves_satisfaction_beside_the_other_kinds(world, answered):
    from rest_framework.test import APIClient

    from accounts.choices import Role
    from tests.factories import user_with_role

    compute_provider_month(provider_id=world["unon"].pk, month=JAN)
    api = APIClient()
    api.force_login(user_with_role(Role.PROVIDER_MANAGER, provider=world["unon"]))
    rows = api.get("/api/v1/compliance/", {"period": "2026-01", "measure": "MSS-TRV-OFF-S"})
    by_scope = {r["scope"]: r for r in rows.json()["results"]}
    assert by_scope["mss"]["kind"] == "satisfaction"
    assert (by_scope["mss"]["eligible"], by_scope["mss"]["met"]) == (6, 4)
    assert by_scope["mss"]["records"].startswith("/surveys/results/?provider=UNON")
    # 3 answers: withheld from the provider (survey anonymity), though stored as 3 and 2.
    assert (by_scope["sla"]["eligible"], by_scope["sla"]["met"]) == (None, None)
    assert by_scope["sla"]["figures_withheld"] is True
