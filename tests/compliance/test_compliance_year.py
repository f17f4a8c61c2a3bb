"""A provider's months computed together (a full recompute computes its whole year in one
pass) give exactly what computing each month alone gives (DOMAIN §5), on data that mixes
every case: several clocks and thresholds, SLA and non-SLA clients, SLA versions cut by an
amendment, local-month boundaries, cancelled, defective, open and paused records."""

import datetime as dt
import io
from itertools import chain

import pytest
from django.core.management import CommandError, call_command

from catalogue.models import MinimumServiceStandard
from compliance.engine import (
    RESULT_FIELDS,
    compute_provider_month,
    compute_provider_months,
    provider_batches,
)
from compliance.models import ComplianceResult, ComplianceRun
from compliance.tasks import task_batches
from records.models import ServiceRecord
from tests.compliance.factories import LATER, MONTHS, kjso, setup_varied_data
from tests.records.factories import import_csv

pytestmark = pytest.mark.django_db

FEB = MONTHS[1]
PERIODS = tuple(f"{m:%Y-%m}" for m in MONTHS)


def snapshot() -> dict:
    return {
        row[0]: row[1:]
        for row in ComplianceResult.objects.values_list("key", *RESULT_FIELDS).order_by("key")
    }


def month_by_month(now) -> dict:
    ComplianceResult.objects.all().delete()
    for month in MONTHS:
        compute_provider_month(provider_id=kjso().pk, month=month, now=now)
    return snapshot()


@pytest.mark.parametrize(
    "now",
    [LATER, dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)],
    ids=["all-months-closed", "march-provisional"],
)
def test_months_together_equal_months_alone(now):
    setup_varied_data()
    compute_provider_months(provider_id=kjso().pk, months=MONTHS, now=now)
    together = snapshot()
    alone = month_by_month(now)
    assert together == alone
    # The data reaches every path: SLA versions over part of February, overdue records,
    # results with records, per client and for all clients.
    keys = set(together)
    assert sum(1 for k in keys if k.startswith("sla:") and k.endswith("2026-02")) >= 4
    assert any(values[-2] for values in together.values())  # overdue_open
    assert all(k.endswith(PERIODS) for k in keys)
    # In pieces, overlapping, in any order: still the same rows.
    ComplianceResult.objects.all().delete()
    compute_provider_months(provider_id=kjso().pk, months=MONTHS[2:], now=now)
    compute_provider_months(provider_id=kjso().pk, months=MONTHS[:3], now=now)
    assert snapshot() == alone


def test_month_totals_match_a_count_record_by_record():
    """Independent of the engine's SQL: standards counted in Python, per local month."""
    setup_varied_data()
    compute_provider_months(provider_id=kjso().pk, months=MONTHS, now=LATER)
    provider = kjso()
    hours = provider.duty_station.working_day_hours
    checked = 0
    for std in MinimumServiceStandard.objects.filter(service__code="PAY-OFF"):
        for month in MONTHS:
            eligible = met = 0
            for record in ServiceRecord.objects.filter(
                provider=provider, service=std.service, status="completed", completed_month=month
            ):
                eligible += 1
                if std.kind == "accuracy":
                    met += not record.defective
                elif std.clock == "working_days":
                    met += record.elapsed_working_seconds <= std.threshold * hours * 3600
                else:
                    met += record.elapsed_calendar_seconds <= std.threshold * 86400
            result = ComplianceResult.objects.get(key=f"mss:{std.pk}:{provider.pk}:{month:%Y-%m}")
            assert (result.eligible, result.met) == (eligible, met), result.key
            checked += eligible > 0
    assert checked >= 8


def test_unchanged_results_are_not_written_again():
    setup_varied_data()
    runs = compute_provider_months(provider_id=kjso().pk, months=MONTHS, now=LATER)
    assert all(run.rows_written > 0 for run in runs)
    before = dict(ComplianceResult.objects.values_list("key", "computed_at"))
    runs = compute_provider_months(provider_id=kjso().pk, months=MONTHS, now=LATER)
    assert [run.rows_written for run in runs] == [0, 0, 0, 0]
    assert [run.status for run in runs] == ["done"] * 4
    assert dict(ComplianceResult.objects.values_list("key", "computed_at")) == before
    # One more February record: only February's results that count it are rewritten.
    import_csv("V-NEW,KJSO,UNAMI,PAY-OFF,2026-02-03T09:00,2026-02-03T10:00,,,false\n")
    runs = compute_provider_months(provider_id=kjso().pk, months=MONTHS, now=LATER)
    written = {run.period: run.rows_written for run in runs}
    assert written[FEB] > 0 and written[MONTHS[0]] == written[MONTHS[2]] == 0
    assert snapshot() == month_by_month(LATER)


def test_results_no_longer_measured_are_removed():
    from sla.services import sla_terminate

    current, manager = setup_varied_data()
    compute_provider_months(provider_id=kjso().pk, months=MONTHS, now=LATER)
    assert ComplianceResult.objects.filter(sla=current, period=MONTHS[3]).exists()
    sla_terminate(
        sla=current, user=manager, reason="Mission closed", termination_date=dt.date(2026, 2, 28)
    )
    runs = compute_provider_months(provider_id=kjso().pk, months=MONTHS, now=LATER)
    assert not ComplianceResult.objects.filter(sla=current, period__gte=MONTHS[2]).exists()
    assert ComplianceResult.objects.filter(sla=current, period=FEB).exists()
    assert {run.period: run.rows_written > 0 for run in runs}[MONTHS[3]]
    assert snapshot() == month_by_month(LATER)


def test_full_recompute_command_runs_one_task_per_provider():
    setup_varied_data()
    ComplianceRun.objects.all().delete()
    call_command("compute_compliance", "--all", stdout=io.StringIO())
    by_command = {k: v for k, v in snapshot().items() if k.endswith(PERIODS)}
    runs = ComplianceRun.objects.filter(provider=kjso())
    assert runs.count() == runs.values("period").distinct().count() >= 4
    assert len({run.started_at for run in runs}) == 1  # the months together, one pass
    now = ComplianceResult.objects.filter(provider=kjso()).first().computed_at
    assert by_command == {k: v for k, v in month_by_month(now).items() if k.endswith(PERIODS)}


def test_shards_are_grouped_by_provider_into_tasks():
    shards = [(2, FEB), (1, MONTHS[3]), (2, dt.date(2026, 1, 9)), (1, MONTHS[3]), (3, FEB)]
    assert provider_batches(shards) == [(1, [MONTHS[3]]), (2, [MONTHS[0], FEB]), (3, [FEB])]
    per_provider = task_batches(shards)
    assert per_provider == [
        [(1, "2026-04-01")],
        [(2, "2026-01-01"), (2, "2026-02-01")],
        [(3, "2026-02-01")],
    ]
    every = list(chain.from_iterable(per_provider))
    assert task_batches(shards, 1) == [every]
    two = task_batches(shards, 2)  # balanced by months: provider 2 alone, 1 and 3 together
    assert sorted(map(len, two)) == [2, 2] and sorted(chain.from_iterable(two)) == every


def test_tasks_option_needs_all():
    with pytest.raises(CommandError):
        call_command("compute_compliance", "--tasks", "2", stdout=io.StringIO())
