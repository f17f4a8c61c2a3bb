"""gunicorn settings for the portal (read from the working directory by ``gunicorn``).

Sized for a 2-CPU host: Django pages are mostly CPU (templates) with some waiting on
PostgreSQL, so a few processes (one per CPU, plus one) each with a few threads keep both
CPUs busy without more database connections than needed (workers x threads, persistent:
``DJANGO_CONN_MAX_AGE``). Override with GUNICORN_WORKERS / GUNICORN_THREADS on larger
hosts. ``benchmarks/load.py`` measures this shape.
"""

import os

worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Longer than a client's pause between two requests, so that a request is never sent on
# a kept-alive connection the server is closing at that very moment.
keepalive = 5
timeout = 60
