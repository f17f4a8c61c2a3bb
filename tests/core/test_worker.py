"""A real Celery worker process consumes the queue through Redis."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.redis
@pytest.mark.worker
def test_a_real_worker_runs_a_task(redis_url):
    from portal.celery import app

    result_backend = redis_url.rsplit("/", 1)[0] + "/11"
    env = dict(os.environ, CELERY_BROKER_URL=redis_url, CELERY_RESULT_BACKEND=result_backend)
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--queues",
            "celery",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        app.conf.update(
            broker_url=redis_url, result_backend=result_backend, task_always_eager=False
        )
        result = app.send_task("core.ping", args=["from a worker"])
        assert result.get(timeout=60) == "from a worker"
    finally:
        app.conf.update(task_always_eager=not os.environ.get("CELERY_BROKER_URL"))
        worker.terminate()
        worker.wait(timeout=30)
