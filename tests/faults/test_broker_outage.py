"""Fault: Redis (the broker) stops in the middle of an import.

A private redis-server on a spare port is the broker of a real Celery worker process;
it is killed while the worker validates a 20,000-row import and started again (empty: it
keeps nothing on disk) afterwards. The records must be stored, the months marked pending
in the database and said so on the compliance page; once Redis is back, the scheduled
``compliance.compute_pending`` run computes exactly the figures counted here from the
generated rows, each result once. A holiday added while Redis is down is saved, its duty
station stays marked, and the scheduled ``sla.remeasure_pending`` run measures the records
again once Redis is back.

The other two faults: ``test_database_restart.py`` (PostgreSQL restarted while the portal
serves) and, for a worker SIGKILLed mid-task, ``tests/sla/test_compliance_workers.py::
test_a_worker_killed_mid_task_is_redone_exactly`` (the shard is delivered again to another
worker and the results are exact).
"""

import contextlib
import datetime as dt
from decimal import Decimal

import pytest
from celery import Celery
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.choices import Role
from catalogue.models import MinimumServiceStandard
from compliance.models import ComplianceResult
from core.models import Holiday
from core.months import months_between
from providers.models import ServiceProvider
from records.models import PendingCompliance, PendingRemeasure, RecordImport, ServiceRecord
from records.selectors import current_month_anywhere
from records.services import record_import_create
from tests.factories import user_with_role
from tests.faults.services import PrivateRedis, portal_env
from tests.records.factories import HEADER
from tests.support import (
    REQUIRE_SERVICES,
    WorkerProcess,
    database_url_of_tests,
    ensure_reference_data,
    wait_for,
)

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

ROWS = 20_000
MONTHS = (dt.date(2026, 2, 1), dt.date(2026, 3, 1))
APRIL = dt.date(2026, 4, 1)


def generated_rows() -> tuple[str, dict[dt.date, dict[str, int]]]:
    """KJSO (Kuwait, UTC+3, Sun-Thu 08:00-16:00) off-cycle payments for UNAMA in February
    and March 2026, and what compliance must count for them, per month: completed records
    (eligible), those done within the hour (met: far inside 5 working days; the others take
    20 calendar days, far outside), and those not defective."""
    lines = [HEADER]
    counts = {month: {"eligible": 0, "on_time": 0, "not_defective": 0} for month in MONTHS}
    for n in range(ROWS):
        month = MONTHS[n % 2]
        quick = n % 3 != 0
        day = 2 + (n // 2) % (24 if quick else 5)
        received = dt.datetime(month.year, month.month, day, 9)
        completed = received + (dt.timedelta(hours=1) if quick else dt.timedelta(days=20))
        kind = "open" if n % 10 == 0 else "cancelled" if n % 10 == 1 else "completed"
        defective = n % 7 == 0
        done = completed.isoformat() if kind == "completed" else ""
        lines.append(
            f"F-{n},KJSO,UNAMA,PAY-OFF,{received.isoformat()},{done},"
            f"{'cancelled' if kind == 'cancelled' else ''},,{str(defective).lower()}\n"
        )
        if kind == "completed":
            counts[month]["eligible"] += 1
            counts[month]["on_time"] += quick
            counts[month]["not_defective"] += not defective
    return "".join(lines), counts


def expected_results(counts) -> dict[str, tuple[int, int]]:
    provider = ServiceProvider.objects.get(code="KJSO")
    timeliness = MinimumServiceStandard.objects.get(code="MSS-PAY-OFF-T")
    accuracy = MinimumServiceStandard.objects.get(code="TST-PAY-OFF-A")
    assert (timeliness.threshold, timeliness.clock) == (Decimal(5), "working_days")
    want = {}
    for month, c in counts.items():
        want[f"mss:{timeliness.pk}:{provider.pk}:{month:%Y-%m}"] = (c["eligible"], c["on_time"])
        want[f"mss:{accuracy.pk}:{provider.pk}:{month:%Y-%m}"] = (
            c["eligible"],
            c["not_defective"],
        )
    return want


def kjso_results() -> dict[str, tuple[int, int]]:
    return {
        r.key: (r.eligible, r.met)
        for r in ComplianceResult.objects.filter(provider__code="KJSO", period__in=[*MONTHS, APRIL])
        if r.eligible
    }


def kjso_pending() -> set[dt.date]:
    return set(
        PendingCompliance.objects.filter(provider__code="KJSO").values_list("month", flat=True)
    )


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        if REQUIRE_SERVICES:
            pytest.fail("the fault tests need DATABASE_URL on PostgreSQL")
        pytest.skip("the fault tests need DATABASE_URL on PostgreSQL (a worker shares it)")


@pytest.fixture
def broker(tmp_path):
    redis = PrivateRedis(tmp_path)
    try:
        yield redis.start()
    finally:
        redis.stop()


@pytest.fixture
def worker(postgres_only, broker, settings, tmp_path, monkeypatch):
    """A real worker on the test database and the private broker (production settings
    shape: tasks go through the broker, no result backend)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    # Celery prefers this variable to an app's own broker setting: the tasks and pings
    # this test sends must go to the private broker.
    monkeypatch.setenv("CELERY_BROKER_URL", broker.url())
    process = WorkerProcess(
        portal_env(
            DATABASE_URL=database_url_of_tests(),
            CELERY_BROKER_URL=broker.url(),
            DJANGO_MEDIA_ROOT=str(settings.MEDIA_ROOT),
        )
    )
    sender = Celery("fault-tests", broker=broker.url(), set_as_current=False)
    try:
        process.start()
        process.sender = sender
        wait_for(lambda: answers_ping(sender), 90, what="the worker answers a ping")
        yield process
    finally:
        process.stop()
        sender.close()


@contextlib.contextmanager
def enqueueing_through_the_broker():
    """Tasks sent by this process go to the broker named in CELERY_BROKER_URL (the test
    settings run them in-process), through a connection pool made for it."""
    from portal.celery import app

    saved = (app.conf.task_always_eager, app._pool, app.amqp._producer_pool)
    app.conf.task_always_eager = False
    app._pool = app.amqp._producer_pool = None
    try:
        yield
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.task_always_eager, app._pool, app.amqp._producer_pool = saved


def answers_ping(app) -> bool:
    try:
        return bool(app.control.ping(timeout=1.0))
    except Exception:  # the broker is still coming back
        return False


def test_redis_stopped_during_an_import_stores_the_records_and_catches_up(broker, worker, client):
    ensure_reference_data()
    MinimumServiceStandard.objects.create(
        code="TST-PAY-OFF-A",
        service=MinimumServiceStandard.objects.get(code="MSS-PAY-OFF-T").service,
        kind="accuracy",
        target_pct=Decimal("90"),
        verification="illustrative test standard",
    )
    text, counts = generated_rows()
    want = expected_results(counts)
    staff = user_with_role(Role.PROVIDER_STAFF, provider=ServiceProvider.objects.get(code="KJSO"))
    # As a large API upload does: stored, then validated and applied by a worker.
    record_import = record_import_create(
        user=staff,
        filename="records.csv",
        source=ContentFile(text.encode()),
        apply_when_valid=True,
    )
    worker.sender.send_task("records.validate_record_import", args=[record_import.pk])

    imports = RecordImport.objects.filter(pk=record_import.pk)
    wait_for(lambda: imports.get().rows_processed > 0, 120, what="the worker reads the file")
    broker.kill()
    killed_at = timezone.now()
    assert imports.get().status == "validating", "Redis must stop while the import runs"

    wait_for(lambda: imports.get().finished_at is not None, 120, what="the import finishes")
    done = imports.get()
    assert (done.status, done.created, done.error_count) == ("done", ROWS, 0), done.message
    assert done.finished_at > killed_at
    assert ServiceRecord.objects.filter(provider__code="KJSO").count() == ROWS
    # The completed records' months, and every month since February in which the open
    # records may count as overdue (their deadlines' months).
    since_february = set(months_between(MONTHS[0], current_month_anywhere()))
    assert set(MONTHS) <= since_february
    assert kjso_pending() == since_february
    assert kjso_results() == {}
    assert worker.process.poll() is None, "the worker survives the broker's loss"

    # A small upload the API stores at once, while Redis is still down: 200, not a server
    # error, and its month is pending too. And a holiday added to Kuwait's calendar: saved,
    # not measured yet, and the station stays marked. F-6 runs from Thu 5 to Wed 25 February.
    slow = ServiceRecord.objects.filter(external_ref="F-6")
    before = slow.get().elapsed_working_seconds
    kuwait = ServiceProvider.objects.get(code="KJSO").duty_station
    with enqueueing_through_the_broker():
        Holiday.objects.create(duty_station=kuwait, date=dt.date(2026, 2, 10), name="Fault test")
        api = APIClient()
        api.force_authenticate(staff)
        response = api.post(
            "/api/v1/service-records/bulk/",
            [{"external_ref": "F-api", "provider": "KJSO", "client": "UNAMA",
              "service": "PAY-OFF", "received_at": "2026-04-05T09:00",
              "completed_at": "2026-04-05T10:00"}],
            format="json",
        )  # fmt: skip
    assert response.status_code == 200, response.content
    assert APRIL in since_february
    assert kjso_pending() == since_february
    assert slow.get().elapsed_working_seconds == before
    assert PendingRemeasure.objects.filter(duty_station=kuwait).exists()
    counts[APRIL] = {"eligible": 1, "on_time": 1, "not_defective": 1}
    want = expected_results(counts)

    manager = user_with_role(Role.MANAGEMENT)
    client.force_login(manager)
    page = client.get("/compliance/providers/KJSO/").content.decode()
    assert "Compliance is pending for 2026-02, 2026-03, 2026-04" in page

    broker.start()  # the same port, empty
    wait_for(lambda: answers_ping(worker.sender), 90, what="the worker reconnects")
    # Beat's run every ten minutes sends again the re-measures marked over ten minutes ago.
    PendingRemeasure.objects.update(marked_at=timezone.now() - dt.timedelta(minutes=11))
    worker.sender.send_task("records.remeasure_pending")
    wait_for(lambda: not PendingRemeasure.objects.exists(), 120, what="the re-measure")
    assert slow.get().elapsed_working_seconds == before - 8 * 3600  # Tuesday 10: a holiday
    worker.sender.send_task("compliance.compute_pending")  # what beat sends every minute
    wait_for(lambda: not kjso_pending() and kjso_results() == want, 120, what="compliance")
    assert kjso_results() == want
    keys = list(ComplianceResult.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys))
    assert ServiceRecord.objects.count() == ROWS + 1
    assert "Compliance is pending" not in client.get("/compliance/providers/KJSO/").content.decode()
