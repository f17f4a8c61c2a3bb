"""An open record's deadlines are one rule (``records.selectors.open_record_deadlines``): the
record's page shows them, against each timeliness standard and SLA target, and the
compliance engine's overdue count is the number of them that have passed, by month."""

import datetime as dt
from collections import Counter

import pytest

from accounts.choices import Role
from compliance.engine import compute_provider_month
from compliance.models import ComplianceResult
from core.months import local_month
from records.models import ServiceRecord
from records.selectors import open_record_deadlines, record_deadlines
from tests.compliance.factories import LATER, MONTHS, kjso, setup_varied_data
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def open_records():
    return list(
        ServiceRecord.objects.filter(provider=kjso(), status="open")
        .select_related("calendar", "provider", "client", "service")
        .order_by("pk")
    )


def test_the_engine_counts_the_deadlines_that_have_passed():
    setup_varied_data()
    provider = kjso()
    for month in MONTHS:
        compute_provider_month(provider_id=provider.pk, month=month, now=LATER)
    zone = provider.duty_station.work_calendar().zone

    counted = Counter()
    for deadline in open_record_deadlines(open_records(), now=LATER):
        if not deadline.overdue:
            continue
        month = local_month(deadline.due_at, zone)
        if deadline.target is not None:
            key = f"sla:{deadline.target.pk}:{month:%Y-%m}"
        else:
            key = f"mss:{deadline.standard.pk}:{provider.pk}:{month:%Y-%m}"
        counted[key] += 1

    results = dict(
        ComplianceResult.objects.filter(provider=provider, kind="timeliness").values_list(
            "key", "overdue_open"
        )
    )
    assert {k: v for k, v in results.items() if v} == {
        k: v for k, v in counted.items() if k in results
    }
    # Not a vacuous match: standards and SLA targets both have overdue records.
    assert any(k.startswith("mss:") for k in counted) and any(k.startswith("sla:") for k in counted)
    assert all(
        k in results for k in counted if k.rsplit(":", 1)[1] in {f"{m:%Y-%m}" for m in MONTHS}
    )


def test_the_record_page_shows_the_rule(client):
    setup_varied_data()
    now = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
    client.force_login(user_with_role(Role.MANAGEMENT))
    shown_targets = 0
    for record in open_records():
        page = client.get(f"/records/{record.pk}/")
        assert page.status_code == 200
        on_page = [
            (d.standard.pk, d.target and d.target.pk, d.due_at) for d in page.context["deadlines"]
        ]
        by_rule = [
            (d.standard.pk, d.target and d.target.pk, d.due_at)
            for d in record_deadlines(record=record)
        ]
        assert on_page == by_rule
        shown_targets += sum(1 for _, target, _ in on_page if target)
        for deadline in record_deadlines(record=record, now=now):
            assert deadline.overdue == (deadline.due_at <= now)
    assert shown_targets, "some open record has an SLA target's deadline"
