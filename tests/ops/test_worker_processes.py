"""Real Celery processes record their signs of life, and a worker serves its tasks'
metrics: a worker and beat on Redis database 15 (keys under a prefix of the test's own),
then stopped, with /readyz following each step."""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from celery import Celery

from ops import heartbeats
from tests.ops.factories import OPS_REDIS_URL, drop_keys, sample, unique_prefix
from tests.support import QUEUES, ROOT, WorkerProcess, spare_port, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.worker]

TOKEN = "a-worker-scrape-token"


@pytest.fixture
def prefix(settings):
    """This test's heartbeats, read by /readyz in this process as in production."""
    chosen = unique_prefix()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = OPS_REDIS_URL
    settings.PORTAL_HEARTBEAT_PREFIX = chosen
    yield chosen
    drop_keys(chosen)


def process_env(prefix: str, tmp_path, settings_module="portal.settings.test", **extra) -> dict:
    """A worker's or beat's environment: database 15, this test's prefix, a database file
    of its own that no task of these tests touches."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "PORTAL_"))}
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        CELERY_BROKER_URL=OPS_REDIS_URL,
        PORTAL_HEARTBEAT_PREFIX=prefix,
        PORTAL_HEARTBEAT_SECONDS="1",
        **{k: str(v) for k, v in extra.items()},
    )
    return env


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def readiness(client) -> tuple[int, dict]:
    response = client.get("/readyz")
    return response.status_code, json.loads(response.content)


@pytest.mark.django_db
def test_a_worker_and_beat_make_the_portal_ready_and_their_stop_is_seen(
    client, settings, prefix, tmp_path
):
    settings.PORTAL_READY_WORKER_MAX_AGE = 4
    settings.PORTAL_READY_BEAT_MAX_AGE = 12  # its loop runs every second, recorded every 5 s
    store = heartbeats.client()
    worker = WorkerProcess(process_env(prefix, tmp_path)).start()
    # Beat on the local settings (tasks through the broker, unlike the test settings).
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "beat", "--loglevel", "WARNING",
         "--schedule", str(tmp_path / "beat-schedule")],
        cwd=ROOT,
        env=process_env(prefix, tmp_path, "portal.settings.local", PORTAL_BEAT_LOOP_SECONDS=1),
    )  # fmt: skip
    try:
        assert readiness(client)[0] == 503  # nothing has run yet
        wait_for(
            lambda: (
                all(heartbeats.worker_last_seen(store, q) for q in QUEUES.split(","))
                and heartbeats.beat_last_run(store)
            ),
            timeout=90,
            what="the worker's and beat's first heartbeats",
        )
        status, answer = readiness(client)
        assert status == 200, answer
        # The worker beats again and again, not once.
        first = heartbeats.worker_last_seen(store, "celery")
        wait_for(lambda: heartbeats.worker_last_seen(store, "celery") > first, timeout=10)

        stop(worker.process)
        wait_for(lambda: readiness(client)[0] == 503, timeout=30, what="the worker's absence")
        status, answer = readiness(client)
        assert answer["failed"] == ["worker"]
        assert answer["checks"]["beat"]["ok"] is True

        stop(beat)
        wait_for(lambda: "beat" in readiness(client)[1]["failed"], timeout=30, what="beat's")
    finally:
        stop(beat)
        worker.stop()
        store.close()


def test_a_worker_serves_the_metrics_of_its_pool_processes(settings, prefix, tmp_path, monkeypatch):
    port = spare_port()
    metrics_dir = tmp_path / "metrics"
    (metrics_dir / "stale.db").parent.mkdir()
    (metrics_dir / "stale.db").write_bytes(b"from an earlier run")
    env = process_env(
        prefix,
        tmp_path,
        "portal.settings.local",  # the test settings grant the metrics to nobody
        PORTAL_WORKER_METRICS_PORT=port,
        PORTAL_METRICS_TOKEN=TOKEN,
        PROMETHEUS_MULTIPROC_DIR=metrics_dir,
        PORTAL_LOG_FORMAT="json",
        CELERY_TRACE_LOG_LEVEL="INFO",
    )
    output = tmp_path / "worker.log"
    # A queue of this test's own: a message left in Redis by another run is not counted.
    queue = f"metrics-{prefix[-12:]}"
    with output.open("w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "--quiet", "worker",
             "--queues", queue, "--pool", "prefork", "--concurrency", "2",
             "--loglevel", "INFO", "--without-heartbeat", "--without-mingle",
             "--without-gossip", "--hostname", f"metrics-{prefix[-6:]}@%h"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    # Note: Celery prefers CELERY_BROKER_URL from the environment to the broker it is given
    # (CI sets it to the suite's broker): the sender must use the worker's.
    monkeypatch.setenv("CELERY_BROKER_URL", OPS_REDIS_URL)
    sender = Celery("ops-tests", broker=OPS_REDIS_URL, set_as_current=False)
    url = f"http://127.0.0.1:{port}/metrics"

    def scrape(token: str | None = TOKEN) -> str:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        request = urllib.request.Request(url, headers=headers)
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.read().decode()

    def count() -> float:
        try:
            text = scrape()
        except OSError:
            return -1
        return sample(
            text, "portal_celery_task_duration_seconds_count", task="core.ping", state="SUCCESS"
        )

    try:
        wait_for(lambda: count() >= 0, timeout=90, what="the worker's metrics server")
        assert not (metrics_dir / "stale.db").exists(), "an earlier run's files are removed"
        for n in range(4):
            sender.send_task("core.ping", args=[f"metrics {n}"], queue=queue)
        wait_for(lambda: count() == 4, timeout=60, what="four tasks counted")
        with pytest.raises(urllib.error.HTTPError) as refused:
            scrape(token=None)
        assert refused.value.code == 403
        with pytest.raises(urllib.error.HTTPError) as refused:
            scrape(token="wrong")
        assert refused.value.code == 403
    finally:
        stop(worker)
        sender.close()
    # The pool's children wrote the figures (one file per process).
    assert len(list(metrics_dir.glob("histogram_*.db"))) >= 1
    # Its log: JSON lines (Celery's banner left out), the tasks' with their ids.
    lines = output.read_text().splitlines()
    assert not any("[config]" in line for line in lines)
    events = [json.loads(line) for line in lines if line.startswith("{")]
    succeeded = [e for e in events if "succeeded" in e["message"]]
    assert len(succeeded) == 4
    assert all(e["task_id"] and e["logger"] == "celery.app.trace" for e in succeeded)
    assert any(e["message"].startswith("worker metrics served on") for e in events)
