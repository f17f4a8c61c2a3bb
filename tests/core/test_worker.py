"""A real Celery worker process consumes the queue through Redis."""

import pytest

pytestmark = [pytest.mark.redis, pytest.mark.worker]


def test_a_real_worker_runs_a_task(celery_worker_process):
    assert celery_worker_process.run("core.ping", "from a worker") == "from a worker"
