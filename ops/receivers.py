"""What ops hears: Celery's signals (tasks' ids in the logs, their durations and failures
in the metrics, the worker's metrics server, logging) and the imports' steps.

Connected in ``OpsConfig.ready``, which a worker and beat run (Django is set up when they
load their configuration) before they set up logging or start consuming.
"""

import logging.config
import sys
import time

from celery.signals import (
    before_task_publish,
    setup_logging,
    task_failure,
    task_postrun,
    task_prerun,
    worker_init,
    worker_ready,
)
from django.conf import settings
from django.dispatch import receiver

from records.signals import import_step_finished

from . import logs, metrics

# Tasks running in this process: task id -> (start, context tokens to restore).
_running: dict[str, tuple[float, list]] = {}

REQUEST_ID_HEADER = "portal_request_id"


@setup_logging.connect
def log_through_django(loglevel=None, **kwargs) -> None:
    """Workers and beat log through ``settings.LOGGING`` (JSON in production), not
    Celery's own format, at the level given with ``--loglevel``."""
    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)


@before_task_publish.connect
def pass_the_request_id(headers=None, **kwargs) -> None:
    """A task sent while serving a request carries the request's id to the worker."""
    current = logs.request_id.get()
    if current and headers is not None:
        headers.setdefault(REQUEST_ID_HEADER, current)


@task_prerun.connect
def task_started(task_id=None, task=None, **kwargs) -> None:
    tokens = [(logs.task_id, logs.task_id.set(task_id))]
    sent_from = _request_id_sent_with(task.request) if task is not None else None
    if sent_from:
        tokens.append((logs.request_id, logs.request_id.set(sent_from)))
    _running[task_id] = (time.perf_counter(), tokens)


def _request_id_sent_with(request) -> str | None:
    """The request id a task's message carries: a header of the message on a worker, an
    entry of ``headers`` for a task applied in-process with headers."""
    found = getattr(request, REQUEST_ID_HEADER, None)
    if not found and isinstance(getattr(request, "headers", None), dict):
        found = request.headers.get(REQUEST_ID_HEADER)
    return found if isinstance(found, str) else None


@task_postrun.connect
def task_finished(task_id=None, task=None, state=None, **kwargs) -> None:
    started = _running.pop(task_id, None)
    if started is None:
        return
    since, tokens = started
    if state is None:
        # The task raised and its exception goes on to the caller (a task run in-process,
        # which Celery does not report as a failure): count it here, while it propagates.
        state = "FAILURE"
        raised = sys.exc_info()[1]
        metrics.TASK_FAILURES.labels(
            task.name, type(raised).__name__ if raised else "unknown"
        ).inc()
    metrics.TASK_DURATION.labels(task.name, state).observe(time.perf_counter() - since)
    for variable, token in reversed(tokens):
        try:
            variable.reset(token)
        except ValueError:  # set in another context: leave it
            variable.set(None)


@task_failure.connect
def task_failed(sender=None, exception=None, **kwargs) -> None:
    """A task that raised, on a worker (or in-process, its exception kept)."""
    metrics.TASK_FAILURES.labels(getattr(sender, "name", "unknown"), type(exception).__name__).inc()


@worker_init.connect
def prepare_worker_metrics(**kwargs) -> None:
    """Before the pool's processes start: an empty folder for their metrics' files."""
    metrics.prepare_multiprocess_dir()


@worker_ready.connect
def serve_worker_metrics(**kwargs) -> None:
    if settings.PORTAL_WORKER_METRICS_PORT:
        from .worker_metrics import serve

        serve(settings.PORTAL_WORKER_METRICS_ADDRESS, settings.PORTAL_WORKER_METRICS_PORT)


@receiver(import_step_finished)
def import_step_measured(sender, step: str, rows: int, seconds: float, **kwargs) -> None:
    metrics.observe_import_step(step, rows, seconds)
