"""Prometheus metrics: requests, tasks, imports, and the state of the background work.

prometheus-client, the Prometheus project's own Python client (released often, no
dependencies), with a thin middleware (``ops.middleware``) and Celery signal receivers
(``ops.receivers``), rather than django-prometheus: that one adds database, cache and
model metrics through its own database back-ends, which the portal does not need, and is
released less often; the few metrics here are a page of code.

Processes: gunicorn's workers and the Celery pool's children are separate processes, so
with ``PROMETHEUS_MULTIPROC_DIR`` set (docker-compose.yml does) each writes its figures to
files there and the exposition adds them up. The web serves ``/metrics`` (its requests,
the tasks it ran in-process, and the state read from the database and Redis at each
scrape); a worker serves its tasks' and imports' figures on
``PORTAL_WORKER_METRICS_PORT`` (``ops.worker_metrics``).
"""

import hmac
import ipaddress
import logging
import os
import time

from django.conf import settings
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)

# No "_created" series beside every counter and histogram: nothing here reads them.
disable_created_metrics()
# A process that counts something writes its file in this folder: make sure it exists (a
# management command run beside the servers, say), whoever starts first.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

REQUEST_DURATION = Histogram(
    "portal_http_request_duration_seconds",
    "Time to answer an HTTP request, by method, route (the URL pattern's name) and status.",
    ["method", "route", "status"],
)
TASK_DURATION = Histogram(
    "portal_celery_task_duration_seconds",
    "Time a Celery task ran, by task and final state (SUCCESS, FAILURE, RETRY, ...).",
    ["task", "state"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600),
)
TASK_FAILURES = Counter(
    "portal_celery_task_failures",
    "Celery tasks that raised, by task and exception class.",
    ["task", "exception"],
)
IMPORT_ROWS = Counter(
    "portal_import_rows",
    "Rows handled by finished import steps (validate: read and checked; apply: stored).",
    ["step"],
)
IMPORT_SECONDS = Counter(
    "portal_import_seconds", "Time taken by finished import steps, in seconds.", ["step"]
)
IMPORT_THROUGHPUT = Histogram(
    "portal_import_rows_per_second",
    "Throughput of each finished import step, in rows per second.",
    ["step"],
    buckets=(10, 50, 100, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000),
)

# Request methods outside this set are counted as "other" (a label per method a client
# invents would grow without end).
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "other"
    REQUEST_DURATION.labels(method, route, str(status)).observe(seconds)


def observe_import_step(step: str, rows: int, seconds: float) -> None:
    IMPORT_ROWS.labels(step).inc(rows)
    IMPORT_SECONDS.labels(step).inc(seconds)
    if rows and seconds > 0:
        IMPORT_THROUGHPUT.labels(step).observe(rows / seconds)


# --- access ----------------------------------------------------------------------------


def access_allowed(remote_addr: str | None, authorization: str | None) -> bool:
    """Whether a caller may read the metrics: a bearer token equal to
    ``PORTAL_METRICS_TOKEN``, or an address in ``PORTAL_METRICS_NETWORKS`` (the direct
    peer's address: a forwarded-for header is not believed). With neither set, nobody."""
    token = settings.PORTAL_METRICS_TOKEN
    if token and authorization:
        scheme, _, given = authorization.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.encode()
        ):
            return True
    if remote_addr and settings.PORTAL_METRICS_NETWORKS:
        try:
            address = ipaddress.ip_address(remote_addr)
        except ValueError:
            return False
        return any(address in network for network in metrics_networks())
    return False


def metrics_networks() -> list:
    """``PORTAL_METRICS_NETWORKS`` as networks (a system check refuses bad ones)."""
    networks = []
    for value in settings.PORTAL_METRICS_NETWORKS:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            logger.error("PORTAL_METRICS_NETWORKS: %r is not a network, ignored", value)
    return networks


# --- exposition ------------------------------------------------------------------------


def exposition(*, state: bool = True) -> bytes:
    """The metrics in Prometheus' text format: this process's (or, with
    ``PROMETHEUS_MULTIPROC_DIR``, every process's of this server) and, if ``state``, the
    state of the background work read now."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    if state:
        body += generate_latest(STATE)
    return body


def prepare_multiprocess_dir() -> None:
    """Before a server's processes start: make ``PROMETHEUS_MULTIPROC_DIR`` and empty it of
    an earlier run's files (gunicorn's ``on_starting``, the worker's ``worker_init``)."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        return
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        if name.endswith(".db"):
            os.remove(os.path.join(folder, name))


class StateCollector:
    """Read at each scrape: the compliance lag and the pending months (database), the age
    of the workers' and beat's last signs of life (Redis). A source that cannot be read
    is reported by ``portal_state_read_errors`` rather than failing the scrape."""

    def collect(self):
        from .readiness import compliance_lag, heartbeat_ages

        errors = GaugeMetricFamily(
            "portal_state_read_errors",
            "1 when a source of the state metrics could not be read at this scrape.",
            labels=["source"],
        )
        try:
            lag, pending = compliance_lag()
        except Exception as exc:  # any database error: report it, keep the scrape
            logger.warning("compliance lag not read: %s", type(exc).__name__)
            errors.add_metric(["database"], 1)
        else:
            errors.add_metric(["database"], 0)
            yield GaugeMetricFamily(
                "portal_compliance_lag_seconds",
                "Age of the oldest month waiting for the compliance engine (0: none waits).",
                value=lag,
            )
            yield GaugeMetricFamily(
                "portal_compliance_pending_months",
                "(Provider, month) pairs waiting for the compliance engine.",
                value=pending,
            )
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            try:
                workers, beat = heartbeat_ages(now=time.time())
            except Exception as exc:  # Redis unreachable: report it, keep the scrape
                logger.warning("heartbeats not read: %s", type(exc).__name__)
                errors.add_metric(["redis"], 1)
            else:
                errors.add_metric(["redis"], 0)
                family = GaugeMetricFamily(
                    "portal_worker_last_seen_seconds",
                    "Seconds since a worker consuming the queue was last seen (+Inf: never).",
                    labels=["queue"],
                )
                for queue, age in workers.items():
                    family.add_metric([queue], float("inf") if age is None else age)
                yield family
                yield GaugeMetricFamily(
                    "portal_beat_last_run_seconds",
                    "Seconds since beat's loop last ran (+Inf: never).",
                    value=float("inf") if beat is None else beat,
                )
        yield errors


STATE = CollectorRegistry(auto_describe=False)
STATE.register(StateCollector())
