"""Load test of the portal: signed-in users on the catalogue, the API and the dashboards.

Run from the project root with the virtual environment's Python, after
``pip install -r benchmarks/requirements.txt`` (locust), against a PostgreSQL database
whose name contains "bench" (created if missing, dropped at the end unless --keep-db):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_load \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python benchmarks/load.py [--users 50] [--duration 60] [--records 100000]
        [--workers 3] [--threads 4] [--keep-db]

What it does:

1. Prepares the database (settings ``portal.settings.local`` with ``DJANGO_DEBUG=false``,
   tasks in-process): ``migrate``, ``load_reference``, ``load_sla_template``, ``seed_demo``
   (demo users of every role, SLAs, activity), then, if the database has fewer records than
   ``--records``, imports realistic generated ones (the generator of
   ``benchmarks/ingest.py``) through the real import and computes compliance for every
   month (``compute_compliance --all``). A kept database is reused as it is.
2. Starts gunicorn (``portal.wsgi`` with ``gunicorn.conf.py``) on a spare port, with the same
   settings, ``DATABASE_URL`` and ``CELERY_BROKER_URL`` (Redis) as given, persistent
   database connections (``DJANGO_CONN_MAX_AGE``), and waits until it answers.
3. Runs locust headless (``benchmarks/locustfile.py``): ``--users`` users (management,
   provider staff and client focal points, 2:2:1) sign in through the login page and
   request the URLs of ``URLS`` at random, with a think time of 0.5-1.5 s. Measuring
   starts ``--warmup`` seconds after the last user signed in and lasts ``--duration``
   seconds.
4. Prints the response times (p50/p95/p99, exact, from every sample) per URL, per group
   and overall, the throughput, and fails (exit 1) on any error or failed request.
5. Stops gunicorn and drops the database (unless --keep-db).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import math
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from ingest import database_from_env, drop_database, ensure_database  # noqa: E402

# The URLs the users request, by group. ``{provider}``, ``{client}``, ``{service}`` and
# ``{period}`` are drawn at random from the data for each request; ``{provider}`` among
# the providers whose figures the user may see. New pages only need a line here.
URLS = {
    "catalogue": (
        "/catalogue/",
        "/catalogue/?q=payroll",
        "/catalogue/?sort=name&page=2",
        "/catalogue/services/{service}/",
        "/providers/",
        "/providers/{provider}/",
        "/clients/",
        "/clients/{client}/",
    ),
    "records": (
        "/records/",
        "/records/?status=open",
        "/slas/",
    ),
    "api": (
        "/api/v1/services/",
        "/api/v1/providers/",
        "/api/v1/service-records/",
        "/api/v1/service-records/?provider={provider}&status=completed",
        "/api/v1/compliance/?period={period}",
        "/api/v1/slas/",
    ),
    "dashboards": (
        "{dashboard}",  # the signed-in user's own dashboard (DASHBOARDS)
        "/compliance/",
        "/compliance/?status=breached",
        "/compliance/providers/{provider}/",
        "/surveys/results/",
    ),
}
# Demo logins (seed_demo) by locust user class.
LOGINS = {
    "management": ["demo-management"],
    "provider": ["demo-staff-unon", "demo-staff-kjso", "demo-manager-unon"],
    "client": ["demo-client-unep", "demo-client-unama"],
}
# Each login's own dashboard: ``{dashboard}`` in URLS (another's would answer 404).
DASHBOARDS = {
    "demo-management": "/dashboards/",
    "demo-staff-unon": "/dashboards/providers/UNON/",
    "demo-manager-unon": "/dashboards/providers/UNON/",
    "demo-staff-kjso": "/dashboards/providers/KJSO/",
    "demo-client-unep": "/dashboards/clients/UNEP/",
    "demo-client-unama": "/dashboards/clients/UNAMA/",
}
THINK_TIME = (0.5, 1.5)
PERCENTILES = (50, 95, 99)


def fail(message: str) -> None:
    print(f"load test: {message}", file=sys.stderr)
    raise SystemExit(2)


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------


def prepare(records: int, seed: int) -> dict:
    """Reference and demo data plus ``records`` realistic records with their compliance;
    returns the placeholder values for ``URLS``."""
    import django

    django.setup()
    import logging

    from django.core.management import call_command

    logging.getLogger("kombu").setLevel(logging.ERROR)  # "No hostname was supplied" (no broker)
    from ingest import write_csv

    from catalogue.models import Service
    from clients.models import ClientEntity
    from compliance.models import ComplianceResult
    from providers.models import ServiceProvider
    from records.models import ServiceRecord

    quiet = io.StringIO()
    step = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_reference", stdout=quiet)
    call_command("load_sla_template", stdout=quiet)
    call_command("seed_demo", stdout=quiet)
    print(f"reference and demo data: {time.perf_counter() - step:.1f} s")
    have = ServiceRecord.objects.count()
    if have < records:
        from records.imports.parse import read_csv
        from records.services import records_import

        with tempfile.TemporaryDirectory(prefix="load-bench-") as workdir:
            source = Path(workdir) / "records.csv"
            write_csv(source, records - have, seed)
            step = time.perf_counter()
            with source.open("rb") as handle:
                result = records_import(rows=read_csv(handle), filename="load-bench.csv")
            print(f"imported {result.message} in {time.perf_counter() - step:.1f} s")
        step = time.perf_counter()
        call_command("compute_compliance", everything=True, stdout=quiet)
        print(f"compliance of every month: {time.perf_counter() - step:.1f} s")
    # Fresh statistics, as autovacuum keeps them on a server where it is on (it may be off
    # on a test machine): without them the planner misjudges the freshly imported rows.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"data: {ServiceRecord.objects.count():,} records, "
        f"{ComplianceResult.objects.count():,} compliance results"
    )
    with_records = ServiceRecord.objects.order_by().values_list("provider__code", flat=True)
    periods = ComplianceResult.objects.order_by().values_list("period", flat=True).distinct()
    providers = sorted(set(with_records.distinct()))
    return {
        "provider": providers,
        "_followed": followed_providers(providers),
        "client": sorted(ClientEntity.objects.values_list("code", flat=True)),
        "service": sorted(Service.objects.values_list("code", flat=True)),
        "period": sorted(f"{p:%Y-%m}" for p in periods),
        "_providers_total": ServiceProvider.objects.count(),
    }


def followed_providers(providers: list[str]) -> dict[str, list[str]]:
    """Each login's share of ``providers``: those whose figures it may see (a provider's
    compliance page answers 404 to anyone else), by the portal's own scope rule."""
    from django.contrib.auth import get_user_model

    from accounts.selectors import user_scope
    from providers.models import ServiceProvider

    ids = dict(ServiceProvider.objects.filter(code__in=providers).values_list("code", "pk"))
    followed = {}
    for username in (name for names in LOGINS.values() for name in names):
        scope = user_scope(get_user_model().objects.get(username=username))
        followed[username] = [code for code in providers if scope.sees_provider(ids[code])]
        if not followed[username]:
            fail(f"{username} may see none of the providers with records")
    return followed


# --------------------------------------------------------------------------------------
# Server and load
# --------------------------------------------------------------------------------------


def start_gunicorn(port: int, env: dict, workers: int, threads: int) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn", "portal.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        # gunicorn.conf.py (the production shape) applies; these override it.
        "--workers", str(workers), "--threads", str(threads), "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            fail(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/accounts/login/", timeout=5
            ) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    stop(server)
    fail("gunicorn did not answer within 60 s")


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def run_locust(port: int, plan_path: Path, users: int, duration: int) -> int:
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks" / "locustfile.py"),
        "--headless", "--only-summary", "--loglevel", "WARNING",
        "--users", str(users), "--spawn-rate", str(max(1, users // 2)),
        # A cap only: the users stop after the measured window (locustfile.py).
        "--run-time", f"{duration + 600}s", "--stop-timeout", "10",
        "--host", f"http://127.0.0.1:{port}",
    ]  # fmt: skip
    env = dict(os.environ, PORTAL_LOAD_PLAN=str(plan_path))
    # locust's own table goes to a file: the report below has exact percentiles.
    with (plan_path.parent / "locust.log").open("w") as log:
        return subprocess.run(command, env=env, stdout=log, stderr=log, check=False).returncode


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def line(label: str, values: list[float], failures: int, seconds: float) -> str:
    values = sorted(values)
    if not values:
        return f"{label:<68} {0:>7} {failures:>6}"
    pcts = "".join(f"{percentile(values, p):>8.0f}" for p in PERCENTILES)
    return f"{label:<68} {len(values):>7} {failures:>6}{pcts}  {len(values) / seconds:7.1f}"


def report(samples: dict, failures: dict, seconds: float) -> tuple[int, int]:
    header = f"{'URL':<68} {'count':>7} {'errors':>6}" + "".join(
        f"{'p' + str(p) + ' ms':>8}" for p in PERCENTILES
    )
    print(f"\n{header}  {'req/s':>7}")
    groups: dict[str, list[float]] = {}
    group_failures: dict[str, int] = {}
    for name in sorted(samples):
        group = name.split(" ", 1)[0] if name.split(" ", 1)[0] in URLS else "sign-in"
        groups.setdefault(group, []).extend(samples[name])
        group_failures[group] = group_failures.get(group, 0) + failures.get(name, 0)
        print(line(name, samples[name], failures.get(name, 0), seconds))
    print(f"\n{'group':<68} {'count':>7} {'errors':>6}")
    overall: list[float] = []
    for group in [*URLS, "sign-in"]:
        if group in groups:
            print(line(group, groups[group], group_failures[group], seconds))
            if group != "sign-in":
                overall.extend(groups[group])
    total_failures = sum(group_failures.values())
    print(line("overall (sign-in excluded)", overall, total_failures, seconds))
    return len(overall), total_failures


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for row in Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                cpu = row.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.1f} GiB RAM"
    return f"{os.cpu_count()} CPUs ({cpu}){memory}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent users (50)")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (60)")
    parser.add_argument(
        "--warmup", type=int, default=10, help="seconds after every user signed in (10)"
    )
    parser.add_argument("--records", type=int, default=100_000, help="records (100,000)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (3)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
    parser.add_argument("--conn-max-age", type=int, default=60, help="DJANGO_CONN_MAX_AGE")
    parser.add_argument("--seed", type=int, default=20261127, help="random seed")
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if min(args.users, args.duration, args.workers, args.threads) < 1 or args.records < 0:
        fail("--users, --duration, --workers and --threads must be at least 1")
    with contextlib.suppress(ImportError):
        import locust  # noqa: F401
    if "locust" not in sys.modules:
        fail("locust is not installed: pip install -r benchmarks/requirements.txt")

    url, name = database_from_env()
    broker = os.environ.get("CELERY_BROKER_URL", "")
    quiet = {
        "DJANGO_SETTINGS_MODULE": "portal.settings.local",
        "DJANGO_DEBUG": "false",
        # Breach notifications of the generated months are not for anyone to read.
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    server_env = dict(
        os.environ,
        **quiet,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_CONN_MAX_AGE=str(args.conn_max_age),
        DJANGO_LOG_LEVEL="WARNING",
    )
    # Preparing runs the tasks in-process (no worker needs to be running).
    os.environ.update(quiet, CELERY_BROKER_URL="")
    started = dt.datetime.now(dt.UTC)
    created = ensure_database(url, name)
    print(
        f"Load test, {started:%Y-%m-%d %H:%M} UTC: {args.users} users for {args.duration} s, "
        f"database {name} ({'created' if created else 'existing'}), "
        f"broker {broker or 'none (tasks in-process)'}"
    )
    print(f"machine: {machine()}")
    server = None
    workdir = Path(tempfile.mkdtemp(prefix="load-bench-"))
    try:
        values = prepare(args.records, args.seed)
        providers_total = values.pop("_providers_total")
        print(
            f"placeholders: {len(values['provider'])} of {providers_total} providers, "
            f"{len(values['client'])} clients, {len(values['service'])} services, "
            f"{len(values['period'])} periods"
        )
        from django.db import connections

        connections.close_all()
        port = spare_port()
        server = start_gunicorn(port, server_env, args.workers, args.threads)
        print(
            f"gunicorn on 127.0.0.1:{port}: {args.workers} gthread workers x "
            f"{args.threads} threads, DJANGO_CONN_MAX_AGE={args.conn_max_age}"
        )
        plan = workdir / "plan.json"
        samples_path = workdir / "samples.json"
        plan.write_text(
            json.dumps(
                {
                    "urls": URLS,
                    "values": {k: v for k, v in values.items() if not k.startswith("_")},
                    "followed": values["_followed"],
                    "logins": LOGINS,
                    "dashboards": DASHBOARDS,
                    "password": "demo-portal-2026",
                    "think_time": THINK_TIME,
                    "users": args.users,
                    "duration": args.duration,
                    "warmup": args.warmup,
                    "samples": str(samples_path),
                }
            )
        )
        load_before = os.getloadavg()
        code = run_locust(port, plan, args.users, args.duration)
        load_after = os.getloadavg()
        data = json.loads(samples_path.read_text()) if samples_path.exists() else {}
        seconds = data.get("seconds", 0)
        if not seconds:
            print((workdir / "locust.log").read_text()[-3000:], file=sys.stderr)
            fail(f"nothing was measured (locust exit {code})")
        count, failures = report(data["samples"], data["failures"], seconds)
        print(
            f"\nthroughput: {count / seconds:.1f} requests/s over {seconds:.0f} s "
            f"({count:,} requests); load average {load_before[0]:.1f} before, "
            f"{load_after[0]:.1f} after"
        )
        for name_, messages in data["examples"].items():
            print(f"  FAILED {name_}: {'; '.join(messages)}")
        if failures or not count or code not in (0, 1):
            print(f"RESULT: {failures} failed requests (locust exit {code})")
            raise SystemExit(1)
        print("RESULT: 0 errors")
    finally:
        stop(server)
        for path in workdir.iterdir():
            path.unlink()
        workdir.rmdir()
        if not args.keep_db:
            from django.db import connections

            connections.close_all()
            drop_database(url, name)


if __name__ == "__main__":
    main()
