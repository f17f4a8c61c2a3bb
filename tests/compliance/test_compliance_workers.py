"""The compliance engine on real Celery workers over Redis and PostgreSQL: the same numbers
from one worker, from four at once, and after a worker was killed mid-task (DOMAIN §5)."""

import datetime as dt
from decimal import Decimal

import pytest

from catalogue.models import MinimumServiceStandard
from compliance.models import ComplianceResult, ComplianceRun
from providers.models import ServiceProvider
from records.models import ServiceRecord
from tests.records.factories import import_csv
from tests.support import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.worker]

FEB = dt.date(2026, 2, 1)
FIVE_WORKING_DAYS = 5 * 8 * 3600  # Kuwait: 8-hour working days


def make_records() -> None:
    """KJSO PAY-OFF records in February and March: spans from 1 to 12 days, some
    defective, some open or cancelled."""
    MinimumServiceStandard.objects.get_or_create(
        code="TST-PAY-OFF-A",
        defaults={
            "service": MinimumServiceStandard.objects.get(code="MSS-PAY-OFF-T").service,
            "kind": "accuracy",
            "target_pct": Decimal("90"),
            "verification": "illustrative test standard",
        },
    )
    rows = []
    for n in range(240):
        month = 2 + n % 2
        day = 1 + n % 20
        span = 1 + n % 12
        completed = dt.datetime(2026, month, day, 9) + dt.timedelta(days=span, hours=n % 7)
        status = "cancelled" if n % 29 == 0 else ""
        done = "" if n % 17 == 0 else completed.isoformat()
        rows.append(
            f"W-{n},KJSO,UNAMA,PAY-OFF,2026-{month:02d}-{day:02d}T09:00,{done},{status},,"
            f"{'true' if n % 9 == 0 else 'false'}\n"
        )
    assert import_csv("".join(rows)).status == "done"


def expected() -> dict[str, tuple[int, int]]:
    """Eligible and met per result key, counted record by record in Python."""
    provider = ServiceProvider.objects.get(code="KJSO")
    timeliness = MinimumServiceStandard.objects.get(code="MSS-PAY-OFF-T")
    accuracy = MinimumServiceStandard.objects.get(code="TST-PAY-OFF-A")
    assert (timeliness.threshold, timeliness.clock) == (Decimal(5), "working_days")
    counts = {}
    for record in ServiceRecord.objects.filter(provider=provider, status="completed"):
        month = f"{record.completed_month:%Y-%m}"
        for std, ok in (
            (timeliness, record.elapsed_working_seconds <= FIVE_WORKING_DAYS),
            (accuracy, not record.defective),
        ):
            key = f"mss:{std.pk}:{provider.pk}:{month}"
            eligible, met = counts.get(key, (0, 0))
            counts[key] = (eligible + 1, met + ok)
    return counts


def actual(keys) -> dict[str, tuple[int, int]]:
    return {r.key: (r.eligible, r.met) for r in ComplianceResult.objects.filter(key__in=list(keys))}


def test_one_worker_computes_the_pending_months(celery_db_worker):
    make_records()
    want = expected()
    assert celery_db_worker.run("compliance.compute_pending") >= 2
    wait_for(lambda: actual(want) == want, timeout=90)


def test_four_workers_at_once_give_the_same_numbers(celery_db_workers):
    make_records()
    want = expected()
    for _ in range(4):
        celery_db_workers.spawn()
    provider_id = ServiceProvider.objects.get(code="KJSO").pk
    # Every shard six times over, alone and with the provider's other months, so several
    # workers compute the same month together.
    months = sorted({key.rsplit(":", 1)[1] for key in want})
    for _ in range(3):
        for month in months:
            celery_db_workers.send("compliance.compute_shard", provider_id, f"{month}-01")
        together = [[provider_id, f"{month}-01"] for month in months]
        celery_db_workers.send("compliance.compute_shards", together)
    runs = 6 * len(months)
    wait_for(
        lambda: (
            ComplianceRun.objects.filter(status="done").count() >= runs and actual(want) == want
        ),
        timeout=120,
    )
    keys = list(ComplianceResult.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys))
    assert actual(want) == want


def test_a_worker_killed_mid_task_is_redone_exactly(celery_db_workers):
    make_records()
    want = expected()
    provider_id = ServiceProvider.objects.get(code="KJSO").pk
    slow = celery_db_workers.spawn(
        PORTAL_COMPLIANCE_FAULT_DELAY=30, PORTAL_CELERY_VISIBILITY_TIMEOUT=5
    )
    celery_db_workers.send("compliance.compute_shard", provider_id, FEB.isoformat())
    wait_for(lambda: ComplianceRun.objects.filter(status="running").exists(), timeout=60)
    slow.kill()  # SIGKILL inside the shard's transaction: nothing of it is committed
    assert not ComplianceResult.objects.filter(period=FEB).exists()
    celery_db_workers.spawn(PORTAL_CELERY_VISIBILITY_TIMEOUT=5)
    feb = {k: v for k, v in want.items() if k.endswith("2026-02")}
    wait_for(lambda: actual(feb) == feb, timeout=120)
    assert ComplianceRun.objects.filter(status="done", period=FEB).exists()
