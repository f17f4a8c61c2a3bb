"""Readiness against a real Redis (database 15 only, keys under a prefix per test): the
workers' and beat's heartbeats as ops/heartbeats.py records them, fresh, stale or missing.
Real worker and beat processes recording them: tests/ops/test_worker_processes.py."""

import json
import time

import pytest
from celery.beat import PersistentScheduler

from ops import heartbeats
from tests.ops.factories import OPS_REDIS_URL, drop_keys, sample, unique_prefix
from tests.support import spare_port

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

QUEUES = ["celery", "compliance"]


@pytest.fixture
def store(settings):
    """Readiness on the broker Redis (database 15), tasks sent to workers."""
    prefix = unique_prefix()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = OPS_REDIS_URL
    settings.PORTAL_HEARTBEAT_PREFIX = prefix
    client = heartbeats.client()
    yield client
    client.close()
    drop_keys(prefix)


def ready(client) -> tuple[int, dict]:
    response = client.get("/readyz")
    return response.status_code, json.loads(response.content)


def test_ready_when_the_database_broker_workers_and_beat_are_up(client, store):
    now = time.time()
    heartbeats.record_worker(store, "default@test", ["celery"], now - 3)
    heartbeats.record_worker(store, "compliance@test", ["compliance"], now - 1)
    heartbeats.record_beat(store, now - 20)
    status, answer = ready(client)
    assert status == 200, answer
    assert answer["failed"] == []
    assert list(answer["checks"]) == ["database", "broker", "worker", "beat", "compliance_lag"]
    seen = answer["checks"]["worker"]["last_seen_seconds"]
    assert 2 <= seen["celery"] <= 10 and 0 <= seen["compliance"] <= 10
    assert 19 <= answer["checks"]["beat"]["last_run_seconds"] <= 30


def test_a_stale_worker_heartbeat_is_not_ready(client, store, settings):
    settings.PORTAL_READY_WORKER_MAX_AGE = 60
    now = time.time()
    heartbeats.record_worker(store, "both@test", QUEUES, now - 120)
    heartbeats.record_beat(store, now)
    status, answer = ready(client)
    assert status == 503
    assert answer["failed"] == ["worker"]
    assert answer["checks"]["worker"]["error"] == (
        "no worker seen in the last 60 s on: celery, compliance"
    )


def test_a_queue_nobody_consumes_is_named(client, store):
    heartbeats.record_worker(store, "default@test", ["celery"])
    heartbeats.record_beat(store)
    status, answer = ready(client)
    assert status == 503 and answer["failed"] == ["worker"]
    assert answer["checks"]["worker"]["error"].endswith("on: compliance")
    assert answer["checks"]["worker"]["last_seen_seconds"]["compliance"] is None


def test_the_newest_worker_of_a_queue_counts(client, store):
    now = time.time()
    heartbeats.record_worker(store, "gone@test", QUEUES, now - 3600)
    heartbeats.record_worker(store, "alive@test", QUEUES, now)
    heartbeats.record_beat(store, now)
    assert ready(client)[0] == 200


def test_beat_not_run_recently_or_never_is_not_ready(client, store, settings):
    settings.PORTAL_READY_BEAT_MAX_AGE = 180
    heartbeats.record_worker(store, "both@test", QUEUES)
    status, answer = ready(client)
    assert (status, answer["failed"]) == (503, ["beat"])
    assert answer["checks"]["beat"]["error"] == "beat has never run"
    heartbeats.record_beat(store, time.time() - 600)
    status, answer = ready(client)
    assert (status, answer["failed"]) == (503, ["beat"])
    assert answer["checks"]["beat"]["error"].startswith("beat has not run for 6")


def test_hosts_gone_for_a_day_are_forgotten(store):
    now = time.time()
    heartbeats.record_worker(store, "old@test", ["celery"], now - 2 * 86400)
    heartbeats.record_worker(store, "new@test", ["celery"], now)
    assert store.zrange(heartbeats._key("queue", "celery"), 0, -1) == [b"new@test"]
    assert 0 < store.ttl(heartbeats._key("queue", "celery")) <= 86400


def test_beat_scheduler_records_its_loop_at_most_every_few_seconds(store, monkeypatch):
    monkeypatch.setattr(PersistentScheduler, "tick", lambda self, *a, **kw: 7.0)
    scheduler = heartbeats.RecordingScheduler.__new__(heartbeats.RecordingScheduler)
    scheduler.recorded_at, scheduler.store = 0.0, None
    assert scheduler.tick() == 7.0
    first = heartbeats.beat_last_run(store)
    assert first == pytest.approx(time.time(), abs=5)
    scheduler.tick()
    assert heartbeats.beat_last_run(store) == first  # within record_every: not again
    scheduler.recorded_at -= scheduler.record_every
    scheduler.tick()
    assert heartbeats.beat_last_run(store) > first
    scheduler.store.close()


def test_beat_goes_on_when_redis_cannot_be_reached(settings, monkeypatch, caplog):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{spare_port()}/15"
    monkeypatch.setattr(PersistentScheduler, "tick", lambda self, *a, **kw: 7.0)
    scheduler = heartbeats.RecordingScheduler.__new__(heartbeats.RecordingScheduler)
    scheduler.recorded_at, scheduler.store = 0.0, None
    assert scheduler.tick() == 7.0
    assert "beat's run not recorded: ConnectionError" in caplog.text


def test_metrics_show_the_heartbeats_ages(client, store, settings):
    settings.PORTAL_METRICS_TOKEN = "scrape-token"
    now = time.time()
    heartbeats.record_worker(store, "default@test", ["celery"], now - 30)
    heartbeats.record_beat(store, now - 10)
    text = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token").content.decode()
    assert sample(text, "portal_worker_last_seen_seconds", queue="celery") == pytest.approx(
        30, abs=5
    )
    assert sample(text, "portal_worker_last_seen_seconds", queue="compliance") == float("inf")
    assert sample(text, "portal_beat_last_run_seconds") == pytest.approx(10, abs=5)
    assert sample(text, "portal_state_read_errors", source="redis") == 0
