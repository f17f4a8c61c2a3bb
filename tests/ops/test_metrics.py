"""/metrics: Prometheus' text format for its token or networks only, counting requests,
tasks (durations and failures), import throughput and the compliance lag."""

import datetime as dt
import os
import subprocess
import sys
import urllib.request

import pytest
from celery import shared_task
from django.core.management import call_command
from django.utils import timezone

from core.tasks import ping
from providers.models import ServiceProvider
from records.models import PendingCompliance
from tests.ops.factories import sample
from tests.records.factories import import_csv
from tests.support import ROOT, spare_port, wait_for

TOKEN = "a-scrape-token-for-tests"


@shared_task(name="tests.ops.fail")
def fail() -> None:
    raise LookupError("deliberately")


@pytest.fixture
def scrape(client, settings):
    settings.PORTAL_METRICS_TOKEN = TOKEN

    def read() -> str:
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        return response.content.decode()

    return read


def test_refused_without_the_token_or_a_network(client, settings):
    assert client.get("/metrics").status_code == 403  # neither configured: nobody
    settings.PORTAL_METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 403
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong")
    assert TOKEN not in response.content.decode()


@pytest.mark.django_db
def test_served_to_a_configured_network_only(client, settings):
    settings.PORTAL_METRICS_NETWORKS = ["10.20.0.0/16", "192.0.2.7"]
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.21.0.1").status_code == 403
    # A forwarded-for header is anyone's to write: the peer's own address counts.
    forged = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.20.3.4")
    assert forged.status_code == 403


def test_a_bad_network_fails_the_system_check(settings):
    from django.core.management.base import SystemCheckError

    settings.PORTAL_METRICS_NETWORKS = ["10.0.0.0/8", "intranet"]
    with pytest.raises(SystemCheckError, match="'intranet' is not a network"):
        call_command("check")


@pytest.mark.django_db
def test_a_request_is_counted_by_route_and_status(client, scrape):
    labels = {"method": "GET", "route": "ops:healthz", "status": "200"}
    before = sample(scrape(), "portal_http_request_duration_seconds_count", **labels)
    client.get("/healthz")
    client.get("/healthz")
    after = sample(scrape(), "portal_http_request_duration_seconds_count", **labels)
    assert after == before + 2
    client.get("/no/such/page/")
    assert sample(scrape(), "portal_http_request_duration_seconds_count", route="unmatched") > 0


@pytest.mark.django_db
def test_a_task_is_counted_with_its_duration_and_a_failure_with_its_exception(scrape):
    done = {"task": "core.ping", "state": "SUCCESS"}
    before = sample(scrape(), "portal_celery_task_duration_seconds_count", **done)
    assert ping.delay("counted").get() == "counted"
    text = scrape()
    assert sample(text, "portal_celery_task_duration_seconds_count", **done) == before + 1
    assert sample(text, "portal_celery_task_duration_seconds_sum", **done) > 0

    failed = {"task": "tests.ops.fail", "exception": "LookupError"}
    ended = {"task": "tests.ops.fail", "state": "FAILURE"}
    before = sample(text, "portal_celery_task_failures_total", **failed)
    runs = sample(text, "portal_celery_task_duration_seconds_count", **ended)
    with pytest.raises(LookupError):
        fail.delay()  # in-process, the exception goes on to the caller
    fail.apply(throw=False)  # as on a worker: the failure is the task's outcome
    text = scrape()
    assert sample(text, "portal_celery_task_failures_total", **failed) == before + 2
    assert sample(text, "portal_celery_task_duration_seconds_count", **ended) == runs + 2


@pytest.mark.django_db
def test_import_throughput_is_measured_by_step(scrape):
    text = scrape()
    before = {
        step: sample(text, "portal_import_rows_total", step=step) for step in ("validate", "apply")
    }
    runs = sample(text, "portal_import_rows_per_second_count", step="apply")
    rows = "".join(
        f"MET-{n},UNON,UNEP,CONF-DOC,2026-02-02T08:00,2026-02-03T09:00,,,false\n" for n in range(25)
    )
    assert import_csv(rows).status == "done"
    text = scrape()
    assert sample(text, "portal_import_rows_total", step="validate") == before["validate"] + 25
    assert sample(text, "portal_import_rows_total", step="apply") == before["apply"] + 25
    assert sample(text, "portal_import_seconds_total", step="apply") > 0
    assert sample(text, "portal_import_rows_per_second_count", step="apply") == runs + 1


@pytest.mark.django_db
def test_compliance_lag_is_the_age_of_the_oldest_pending_month(scrape):
    assert sample(scrape(), "portal_compliance_lag_seconds") == 0
    provider = ServiceProvider.objects.get(code="KJSO")
    for month, hours in ((dt.date(2026, 1, 1), 3), (dt.date(2026, 2, 1), 1)):
        PendingCompliance.objects.create(provider=provider, month=month)
        PendingCompliance.objects.filter(month=month).update(
            pending_since=timezone.now() - dt.timedelta(hours=hours)
        )
    text = scrape()
    assert sample(text, "portal_compliance_lag_seconds") == pytest.approx(3 * 3600, abs=60)
    assert sample(text, "portal_compliance_pending_months") == 2
    assert sample(text, "portal_state_read_errors", source="database") == 0


def test_gunicorn_adds_up_its_worker_processes(tmp_path):
    """Under gunicorn, each worker process counts its own requests; /metrics shows them
    all (PROMETHEUS_MULTIPROC_DIR), and still answers when the database has no tables."""
    port = spare_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "PORTAL_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.local",
        DJANGO_DEBUG="false",
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
        PORTAL_METRICS_TOKEN=TOKEN,
        PORTAL_LOG_FORMAT="text",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "2", "--threads", "2", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def get(path: str, **headers) -> tuple[int, str]:
        request = urllib.request.Request(base + path, headers=headers)  # noqa: S310
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()

    def serves() -> bool:
        try:
            return get("/healthz")[0] == 200
        except OSError:
            return False

    try:
        wait_for(serves, 60, interval=0.3, what="gunicorn answers /healthz")
        for _ in range(20):
            get("/healthz")
        status, text = get("/metrics", Authorization=f"Bearer {TOKEN}")
        assert status == 200
        labels = {"method": "GET", "route": "ops:healthz", "status": "200"}
        assert sample(text, "portal_http_request_duration_seconds_count", **labels) >= 21
        assert sample(text, "portal_state_read_errors", source="database") == 1
        assert len(list((tmp_path / "metrics").glob("*.db"))) >= 1
    finally:
        server.terminate()
        server.wait(timeout=30)
