"""gunicorn settings for the portal (read from the working directory by ``gunicorn``).

Sized for a 2-CPU host: Django pages are mostly CPU (templates) with some waiting on
PostgreSQL, so a few processes (one per CPU, plus one) each with a few threads keep both
CPUs busy without more database connections than needed (workers x threads, persistent:
``DJANGO_CONN_MAX_AGE``). Override with GUNICORN_WORKERS / GUNICORN_THREADS on larger
hosts. ``benchmarks/load.py`` measures this shape.

Logs: gunicorn's own lines are JSON like the portal's (``ops/logs.py``) unless
``PORTAL_LOG_FORMAT=text``; there is no gunicorn access log, since the portal writes one
JSON line per request itself (``ops.middleware``, logger ``portal.access``).

Metrics: with ``PROMETHEUS_MULTIPROC_DIR`` set, each worker process writes its figures
there and ``/metrics`` adds them up; the folder is emptied when gunicorn starts.
"""

import os
from pathlib import Path

worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Longer than a client's pause between two requests, so that a request is never sent on
# a kept-alive connection the server is closing at that very moment.
keepalive = 5
timeout = 60

if os.environ.get("PORTAL_LOG_FORMAT", "json") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "ops.logs.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": "INFO", "handlers": ["console"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
    }


def on_starting(server):
    """Before the workers start: an empty folder for their metrics' files."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for stale in Path(folder).glob("*.db"):
            stale.unlink()


def child_exit(server, worker):
    """A worker process ended: its figures stay counted, its live gauges go."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
