"""Benchmark of the service-record import (DOMAIN §4) against a raw PostgreSQL COPY.

Run from the project root with the virtual environment's Python, against a PostgreSQL
database whose name contains "bench" (it is created if missing, emptied, and dropped at
the end unless --keep-db is given):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python benchmarks/ingest.py [--rows N] [--repeat R] [--keep-db] [--profile F]

What it does:

1. Creates the database if missing (through the ``postgres`` maintenance database),
   runs ``migrate`` and ``load_reference`` (settings ``portal.settings.local``).
2. Writes a realistic CSV file of N records (default 1,000,000) to a temporary directory:
   every catalogue offering (provider, service) of the reference data, clients from the
   provider's designations for that service or its area (85%) or any client entity,
   ``received_at`` over the 12 months October 2025 - September 2026, mostly in the
   provider's local working hours, written with an offset, in UTC (``Z``), as local time
   without an offset or as a bare date; ~80% completed (spans from minutes to weeks,
   scaled on the service's timeliness standard), ~15% open, ~5% cancelled, ~10% with one
   or two pauses, ~3% defective, ``external_ref`` unique per provider. Every row is valid.
3. Times the import through the code path of ``manage.py import_records``:
   ``records_import(rows=read_csv(handle), user=None, keep_good_rows=False, filename=...)``
   on an empty ``records_servicerecord`` (median of R runs), with the peak RSS of this process.
4. Times a raw ``COPY ... FROM STDIN`` of the same records into ``bench_copy``, a table
   created ``LIKE records_servicerecord INCLUDING ALL`` (same columns, indexes, unique and
   check constraints; no foreign keys), from a CSV in the table's own format (ids, UTC
   timestamps, elapsed values) exported untimed from the imported records; for information,
   the same into ``bench_copy_fk``, which also has records_servicerecord's foreign keys.
   Runs alternate (import, COPY, COPY with FKs) so that a busy machine affects all three.
5. Prints where the import's time goes (coarse phases and SQL statements, timed by
   wrapping the functions the import calls; the code path is unchanged), then a summary
   with the ratio ours / raw COPY (also per run and in CPU time) and the goals
   (ratio <= 3, peak RSS <= 400 MB), then removes the temporary files and both tables.

``--profile FILE`` adds one more import, untimed for the figures, under cProfile: the
statistics go to FILE and a breakdown by phase is printed.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import csv
import datetime as dt
import io
import logging
import math
import os
import platform
import pstats
import random
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urlparse
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UTC = dt.UTC
GOAL_RATIO = 3.0
GOAL_RSS_MB = 400.0
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "postgis"}
WINDOW_START = dt.date(2025, 10, 1)  # received_at: 12 months, Oct 2025 .. Sep 2026
WINDOW_END = dt.date(2026, 10, 1)
COPY_TABLE = "bench_copy"
COPY_FK_TABLE = "bench_copy_fk"  # informational: the same plus records_servicerecord's FKs
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def fail(message: str) -> None:
    print(f"ingest benchmark: {message}", file=sys.stderr)
    raise SystemExit(2)


# --------------------------------------------------------------------------------------
# Database
# --------------------------------------------------------------------------------------


def database_from_env() -> tuple[str, str]:
    """(DATABASE_URL, database name), refusing anything but a PostgreSQL bench database."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        fail(
            "DATABASE_URL is not set. This benchmark needs PostgreSQL, e.g.\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench "
            ".venv/bin/python benchmarks/ingest.py"
        )
    parts = urlparse(url)
    if parts.scheme.split("+")[0] not in POSTGRES_SCHEMES:
        fail(
            f"DATABASE_URL must point to PostgreSQL (postgres://...), not '{parts.scheme}': "
            "the import path measured here stages rows with COPY, which only PostgreSQL has."
        )
    name = unquote(parts.path.lstrip("/"))
    if not name:
        fail("DATABASE_URL names no database, e.g. postgres://postgres@127.0.0.1:5432/portal_bench")
    if "bench" not in name:
        fail(
            f"refusing database '{name}': the benchmark empties records_servicerecord and drops "
            "the database when done (unless --keep-db); use a database whose name contains "
            "'bench', e.g. portal_bench."
        )
    return url, name


def maintenance_connection(url: str):
    import psycopg

    try:
        return psycopg.connect(url, dbname="postgres", autocommit=True)
    except psycopg.OperationalError as exc:
        fail(f"cannot connect to PostgreSQL ({exc}).")


def ensure_database(url: str, name: str) -> bool:
    """Create the database if missing; True when it was created."""
    from psycopg import sql

    with maintenance_connection(url) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def drop_database(url: str, name: str) -> None:
    from psycopg import sql

    with maintenance_connection(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def raw_cursor():
    """A psycopg cursor on Django's connection (the one the import uses)."""
    from django.db import connection

    connection.ensure_connection()
    return connection.connection.cursor()


def checkpoint() -> None:
    """Flush dirty buffers before a timed phase so no run pays for the previous one's."""
    with raw_cursor() as cur, contextlib.suppress(Exception):
        cur.execute("CHECKPOINT")


def reset_records() -> None:
    with raw_cursor() as cur:
        cur.execute(
            "TRUNCATE records_servicerecord, records_recordstagingrow, records_pendingcompliance "
            "RESTART IDENTITY"
        )


def record_columns() -> list[str]:
    with raw_cursor() as cur:
        cur.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = 'records_servicerecord' "
            "ORDER BY ordinal_position"
        )
        return [row[0] for row in cur.fetchall()]


def index_count(table: str) -> int:
    with raw_cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s", [table])
        return cur.fetchone()[0]


def foreign_key_count(table: str) -> int:
    with raw_cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = %s::regclass",
            [table],
        )
        return cur.fetchone()[0]


def server_version() -> str:
    with raw_cursor() as cur:
        cur.execute("SELECT version()")
        return cur.fetchone()[0]


def backend_pid() -> int:
    with raw_cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        return cur.fetchone()[0]


def process_cpu_seconds(pid: int) -> float | None:
    """utime + stime of a local process (the PostgreSQL backend), None if not readable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------------------
# Realistic CSV
# --------------------------------------------------------------------------------------


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


class Catalogue:
    """The reference data the generator draws from (read back from the database)."""

    def __init__(self) -> None:
        from catalogue.models import Designation, MinimumServiceStandard, Offering
        from clients.models import ClientEntity
        from providers.models import ServiceProvider

        self.providers = {}
        for p in ServiceProvider.objects.select_related("duty_station"):
            station = p.duty_station
            hours = {
                WEEKDAYS.index(day): [(_minutes(a), _minutes(b)) for a, b in intervals]
                for day, intervals in (station.working_hours or {}).items()
                if intervals
            }
            self.providers[p.pk] = (p.code, ZoneInfo(station.timezone), hours, station.code)
        self.offerings = list(
            Offering.objects.order_by("provider__code", "service__code").values_list(
                "provider_id", "service_id", "service__code", "service__area_id"
            )
        )
        self.all_clients = sorted(ClientEntity.objects.values_list("code", flat=True))
        by_service, by_area = defaultdict(set), defaultdict(set)
        for provider_id, service_id, area_id, client in Designation.objects.filter(
            status="approved"
        ).values_list("provider_id", "service_id", "area_id", "client__code"):
            if service_id:
                by_service[provider_id, service_id].add(client)
            else:
                by_area[provider_id, area_id].add(client)
        self.designated = {
            (p, s): sorted(by_service[p, s] | by_area[p, a]) for p, s, _, a in self.offerings
        }
        # Typical calendar span of a delivery, from the service's timeliness standard.
        self.typical_span = {}
        for service_id, threshold, clock in MinimumServiceStandard.objects.filter(
            kind="timeliness"
        ).values_list("service_id", "threshold", "clock"):
            n = float(threshold)
            seconds = {
                "working_days": n * 86400 * 7 / 5,
                "working_hours": n * 3600 * 3,
                "calendar_days": n * 86400,
                "hours_24x7": n * 3600,
            }.get(clock)
            if seconds:
                self.typical_span[service_id] = 0.5 * seconds
        if not self.offerings:
            fail("no catalogue offerings: did load_reference run?")


def _text(instant: dt.datetime, zone: ZoneInfo, style: str) -> str:
    """``instant`` written so that the importer reads back exactly that instant."""
    if style == "utc":
        return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    local = instant.astimezone(zone)
    if style in ("naive", "space"):
        naive = local.replace(tzinfo=None, fold=0)
        # Without an offset a wall time means its first occurrence: keep it only if that
        # is this instant (not the second pass of a fall-back hour).
        if naive.replace(tzinfo=zone).timestamp() == instant.timestamp():
            return naive.isoformat(sep="T" if style == "naive" else " ", timespec="seconds")
    return local.isoformat(timespec="seconds")


def _style(rng: random.Random) -> str:
    r = rng.random()
    return "offset" if r < 0.45 else "utc" if r < 0.55 else "space" if r < 0.60 else "naive"


class Generator:
    def __init__(self, catalogue: Catalogue, seed: int) -> None:
        self.cat = catalogue
        self.rng = random.Random(seed)
        self.days = (WINDOW_END - WINDOW_START).days
        self.now = dt.datetime.now(UTC).replace(microsecond=0)
        self.counters: dict[int, int] = defaultdict(int)
        self.stats: dict[str, int] = defaultdict(int)

    def _received(self, zone: ZoneInfo, hours: dict, recent: bool) -> tuple[dt.datetime, str]:
        rng = self.rng
        if recent:  # open records are mostly recent
            day = WINDOW_END - dt.timedelta(days=1 + int(rng.expovariate(1 / 30)) % self.days)
        else:
            day = WINDOW_START + dt.timedelta(days=rng.randrange(self.days))
        # A bare date: 00:00 local, if that wall time exists. (Since the import reads a bare
        # date whose midnight does not exist as the first instant of the day, such dates
        # would import too; they stay out so that figures compare with earlier runs on the
        # same file, which rejected them.)
        if rng.random() < 0.10:
            instant = dt.datetime.combine(day, dt.time(), zone).astimezone(UTC)
            text = day.isoformat()
            if _text(instant, zone, "naive") == f"{text}T00:00:00":
                self.stats["received as a bare date"] += 1
                return instant, text
        if rng.random() < 0.85:  # during the working day
            for _ in range(7):
                if day.weekday() in hours:
                    break
                day += dt.timedelta(days=1)
            start, end = rng.choice(hours.get(day.weekday(), [(0, 1440)]))
            second = rng.randrange(start * 60, end * 60)
        else:
            second = rng.randrange(86400)
        wall = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=second)
        instant = wall.replace(tzinfo=zone).astimezone(UTC)
        style = _style(rng)
        self.stats[f"received {style}"] += 1
        return instant, _text(instant, zone, style)

    def _span(self, service_id: int) -> int:
        rng = self.rng
        typical = self.cat.typical_span.get(service_id)
        if typical is None:  # no timeliness standard: 5 minutes .. 3 weeks, log-uniform
            return int(300 * (21 * 86400 / 300) ** rng.random())
        return int(min(max(typical * math.exp(rng.gauss(0, 0.9)), 60), 60 * 86400))

    def row(self) -> list[str]:
        rng, cat = self.rng, self.cat
        provider_id, service_id, service_code, _ = rng.choice(cat.offerings)
        code, zone, hours, _ = cat.providers[provider_id]
        designated = cat.designated[provider_id, service_id]
        client = (
            rng.choice(designated)
            if designated and rng.random() < 0.85
            else rng.choice(cat.all_clients)
        )
        r = rng.random()
        kind = "completed" if r < 0.80 else "open" if r < 0.95 else "cancelled"
        received, received_text = self._received(zone, hours, recent=kind == "open")
        span = self._span(service_id)
        end = received + dt.timedelta(seconds=span)
        completed_text = ""
        if kind == "completed" or (kind == "cancelled" and rng.random() < 0.5):
            completed_text = _text(end, zone, _style(rng))
        if kind == "open":
            end = min(end, self.now)
        status = {
            "completed": "completed" if rng.random() < 0.6 else "",
            "open": "open" if rng.random() < 0.5 else "",
            "cancelled": "cancelled",
        }[kind]
        pauses = ""
        total = int((end - received).total_seconds())
        if kind != "cancelled" and total >= 600 and rng.random() < 0.10:
            count = 1 if rng.random() < 0.7 else 2
            cuts = sorted(rng.randrange(total + 1) for _ in range(2 * count))
            pause_style = "offset" if rng.random() < 0.5 else "naive"
            pauses = ";".join(
                _text(received + dt.timedelta(seconds=cuts[i]), zone, pause_style)
                + "/"
                + _text(received + dt.timedelta(seconds=cuts[i + 1]), zone, pause_style)
                for i in range(0, 2 * count, 2)
            )
            self.stats[f"{count} pause(s)"] += 1
        r = rng.random()
        defective = "true" if r < 0.03 else "false" if r < 0.5 else ""
        self.counters[provider_id] += 1
        ref = f"{service_code}-{received.year}-{self.counters[provider_id]:07d}"
        self.stats[kind] += 1
        self.stats["defective"] += defective == "true"
        return [ref, code, client, service_code, received_text, completed_text, status, pauses,
                defective]  # fmt: skip


def write_csv(path: Path, rows: int, seed: int) -> Generator:
    from records.imports.parse import COLUMNS

    generator = Generator(Catalogue(), seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for _ in range(rows):
            writer.writerow(generator.row())
    return generator


# --------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------


def _status_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def reset_peak_rss() -> bool:
    """Reset VmHWM (Linux >= 4.0) so it measures the next phase only."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class RssSampler(threading.Thread):
    """Samples VmRSS/VmHWM of this process every 0.1 s during a timed run."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.max_rss_kb = 0
        self.max_hwm_kb = 0

    def run(self) -> None:
        while not self.stop.wait(0.1):
            self.max_rss_kb = max(self.max_rss_kb, _status_kb("VmRSS") or 0)
            self.max_hwm_kb = max(self.max_hwm_kb, _status_kb("VmHWM") or 0)

    def finish(self) -> None:
        self.stop.set()
        self.join()
        self.max_rss_kb = max(self.max_rss_kb, _status_kb("VmRSS") or 0)
        self.max_hwm_kb = max(self.max_hwm_kb, _status_kb("VmHWM") or 0)


class PhaseClock:
    """Wall time of the import's coarse steps (a few dozen calls) and of its SQL statements.

    Wraps functions the import calls by name; the code path is unchanged.
    """

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self.sql: dict[str, list] = defaultdict(lambda: [0, 0.0])
        self._restore: list = []
        self.missing: list[str] = []

    def _wrap(self, owner, name: str, label: str) -> None:
        original = getattr(owner, name, None)
        if original is None:  # the import code was reorganised: that phase shows as 0
            self.missing.append(f"{getattr(owner, '__name__', owner)}.{name}")
            return
        totals = self.totals

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                totals[label] += time.perf_counter() - start

        setattr(owner, name, timed)
        self._restore.append((owner, name, original))

    def _execute(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            label = " ".join(sql.split())
            label = label[:90] + ("..." if len(label) > 90 else "")
            entry = self.sql[label]
            entry[0] += 1
            entry[1] += time.perf_counter() - start

    @contextlib.contextmanager
    def active(self):
        from django.db import connection

        from records.services import records_import

        # The module that runs the import loop, wherever records_import lives now.
        services = sys.modules[records_import.__module__]
        self._wrap(services, "ImportContext", "load context")
        if hasattr(services, "StagingWriter"):
            self._wrap(services.StagingWriter, "flush", "COPY to staging")
        self._wrap(services, "duplicate_refs", "duplicate check")
        self._wrap(services, "drop_lines", "duplicate check")
        self._wrap(services, "record_import_apply", "apply")
        self._wrap(services, "apply_staged", "apply: upsert statements")
        # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: checked at commit.
        self._wrap(connection, "commit", "commit")
        try:
            with connection.execute_wrapper(self._execute):
                yield self
        finally:
            for owner, name, original in reversed(self._restore):
                if owner is connection:
                    del connection.commit  # back to the class's method
                else:
                    setattr(owner, name, original)
            self._restore.clear()


def run_import(path: Path, profiler: cProfile.Profile | None = None):
    """One import exactly as ``manage.py import_records`` runs it, on an empty table."""
    from records.choices import ImportStatus
    from records.imports.parse import read_csv
    from records.services import records_import

    reset_records()
    checkpoint()
    reset_ok = reset_peak_rss()
    sampler = RssSampler()
    pid = backend_pid()
    server_before = process_cpu_seconds(pid)
    usage_before = resource.getrusage(resource.RUSAGE_SELF)
    phases = PhaseClock()
    sampler.start()
    with phases.active():
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        with path.open("rb") as handle:
            result = records_import(
                rows=read_csv(handle), user=None, keep_good_rows=False, filename=path.name
            )
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - start
    sampler.finish()
    usage_after = resource.getrusage(resource.RUSAGE_SELF)
    server_after = process_cpu_seconds(pid)
    if result.status != ImportStatus.DONE or result.error_count:
        for error in result.errors.all()[:20]:
            print(f"  line {error.line}, {error.column or 'file'}: {error.message}")
        fail(f"the import did not succeed: {result.status}: {result.message}")
    return {
        "seconds": elapsed,
        "created": result.created,
        "message": result.message,
        "client_cpu": (usage_after.ru_utime + usage_after.ru_stime)
        - (usage_before.ru_utime + usage_before.ru_stime),
        "server_cpu": None
        if server_before is None or server_after is None
        else server_after - server_before,
        "hwm_mb": sampler.max_hwm_kb / 1024 if reset_ok else None,
        "sampled_rss_mb": sampler.max_rss_kb / 1024,
        "ru_maxrss_mb": usage_after.ru_maxrss / 1024,
        "phases": dict(phases.totals),
        "missing": list(phases.missing),
        "sql": dict(phases.sql),
    }


def export_for_copy(path: Path, columns: list[str]) -> None:
    """Untimed: the imported records in records_servicerecord's own format, as CSV."""
    with raw_cursor() as cur, path.open("wb") as handle:
        cur.execute("SET TIME ZONE 'UTC'")
        cols = ", ".join(columns)
        with cur.copy(
            f"COPY (SELECT {cols} FROM records_servicerecord ORDER BY id) "
            "TO STDOUT WITH (FORMAT csv, HEADER true)"
        ) as copy:
            for block in copy:
                handle.write(block)


def create_copy_tables() -> None:
    """bench_copy: LIKE records_servicerecord INCLUDING ALL (LIKE never copies foreign keys);
    bench_copy_fk: the same with records_servicerecord's foreign keys added back."""
    with raw_cursor() as cur:
        for table in (COPY_TABLE, COPY_FK_TABLE):
            cur.execute(f"DROP TABLE IF EXISTS {table}")
            cur.execute(f"CREATE TABLE {table} (LIKE records_servicerecord INCLUDING ALL)")
        cur.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = 'records_servicerecord'::regclass ORDER BY conname"
        )
        for (definition,) in cur.fetchall():
            cur.execute(f"ALTER TABLE {COPY_FK_TABLE} ADD {definition}")


def drop_copy_tables() -> None:
    with raw_cursor() as cur:
        for table in (COPY_TABLE, COPY_FK_TABLE):
            cur.execute(f"DROP TABLE IF EXISTS {table}")


def run_copy(path: Path, columns: list[str], table: str = COPY_TABLE) -> dict:
    """Timed: COPY <table> FROM STDIN, streaming the prepared CSV file (like psql \\copy)."""
    with raw_cursor() as cur:
        cur.execute(f"TRUNCATE {table}")
    checkpoint()
    pid = backend_pid()
    server_before = process_cpu_seconds(pid)
    usage_before = resource.getrusage(resource.RUSAGE_SELF)
    cols = ", ".join(columns)
    with raw_cursor() as cur:
        start = time.perf_counter()
        with (
            path.open("rb") as handle,
            cur.copy(f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
        ):
            while block := handle.read(1 << 20):
                copy.write(block)
        elapsed = time.perf_counter() - start
        cur.execute(f"SELECT count(*) FROM {table}")
        count = cur.fetchone()[0]
    server_after = process_cpu_seconds(pid)
    usage_after = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "seconds": elapsed,
        "rows": count,
        "client_cpu": (usage_after.ru_utime + usage_after.ru_stime)
        - (usage_before.ru_utime + usage_before.ru_stime),
        "server_cpu": None
        if server_before is None or server_after is None
        else server_after - server_before,
    }


def parse_only(path: Path) -> float:
    """Untimed for the figures: reading and parsing the CSV alone (read_csv, no validation)."""
    from records.imports.parse import read_csv

    start = time.perf_counter()
    with path.open("rb") as handle:
        for _ in read_csv(handle):
            pass
    return time.perf_counter() - start


PROFILE_PHASES = (
    # (label, module file suffix, function name); cumulative times, nested as indented.
    ("read_csv: decode + csv parsing (generator resumes)", "imports/parse.py", "read_csv"),
    ("validate_row (all checks and measuring)", "imports/validate.py", "validate_row"),
    ("  _instant (received/completed/pauses: parse_instant)", "imports/validate.py", "_instant"),
    ("  _pauses (parse pauses)", "imports/validate.py", "_pauses"),
    ("  measure_interval (core.clock: check + both clocks)", "core/clock.py", "measure_interval"),
    ("  _clean (one cell, stripped once)", "imports/validate.py", "_clean"),
    ("  pauses_json (json.dumps, rows with pauses only)", "imports/validate.py", "pauses_json"),
    ("StagingWriter.add (binary COPY row, streamed)", "imports/store.py", "add"),
    ("  StagingWriter.flush (end of a streamed COPY)", "imports/store.py", "flush"),
    ("duplicate_refs + drop_lines", "imports/store.py", "duplicate_refs"),
    ("record_import_apply (upsert, commit)", "sla/services", "record_import_apply"),
)


def profile_report(profiler: cProfile.Profile, out: Path) -> None:
    profiler.dump_stats(str(out))
    stats = pstats.Stats(profiler)
    total = max(ct for (_, _, _, ct, _) in stats.stats.values())
    print(f"\ncProfile of one import (inflated by profiling), stats in {out}:")
    print(f"  {'phase (cumulative time)':<52} {'seconds':>8} {'share':>6}")
    for label, suffix, name in PROFILE_PHASES:
        seconds = sum(
            ct
            for (file, _, func), (_, _, _, ct, _) in stats.stats.items()
            if func == name and suffix in file
        )
        if name == "duplicate_refs":
            seconds += sum(
                ct
                for (file, _, func), (_, _, _, ct, _) in stats.stats.items()
                if func == "drop_lines" and suffix in file
            )
        print(f"  {label:<52} {seconds:8.2f} {100 * seconds / total:5.1f}%")
    print(f"  {'total':<52} {total:8.2f}")
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("tottime").print_stats(20)
    print("\nTop 20 functions by own time:")
    print("\n".join(buffer.getvalue().splitlines()[6:]))


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------


def machine() -> dict:
    info = {"nproc": os.cpu_count(), "cpu": platform.processor() or "?", "ram_gb": None}
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["ram_gb"] = int(line.split()[1]) / 1024 / 1024
    with contextlib.suppress(AttributeError):
        info["nproc"] = len(os.sched_getaffinity(0))
    return info


def mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="records (1,000,000)")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs, median (1)")
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    parser.add_argument("--seed", type=int, default=20260101, help="random seed")
    parser.add_argument("--profile", type=Path, help="one more import under cProfile, to FILE")
    args = parser.parse_args()
    if args.rows < 1 or args.repeat < 1:
        fail("--rows and --repeat must be at least 1")

    url, name = database_from_env()
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.local"
    created_db = ensure_database(url, name)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    # Loading the reference data runs the calendar tasks eagerly; keep their log quiet.
    logging.getLogger("celery").setLevel(logging.WARNING)
    logging.getLogger("kombu").setLevel(logging.ERROR)  # "No hostname was supplied" (no broker)

    started = dt.datetime.now().astimezone()
    host = machine()
    load_before = os.getloadavg()
    print(
        f"Ingest benchmark, {started:%Y-%m-%d %H:%M %Z}: {args.rows:,} records, "
        f"{args.repeat} run(s), database {name} ({'created' if created_db else 'existing'})"
    )
    workdir = Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    try:
        step = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_reference", stdout=io.StringIO())
        print(f"migrate + load_reference: {time.perf_counter() - step:.1f} s")

        source = workdir / "records.csv"
        step = time.perf_counter()
        generator = write_csv(source, args.rows, args.seed)
        size = source.stat().st_size
        print(
            f"generated {source} in {time.perf_counter() - step:.1f} s: "
            f"{size / 1e6:,.1f} MB ({size / args.rows:.0f} bytes/row), seed {args.seed}"
        )
        print(
            "  mix: "
            + ", ".join(
                f"{k} {100 * v / args.rows:.1f}%" for k, v in sorted(generator.stats.items())
            )
        )
        providers = {generator.cat.providers[p][0] for p in generator.counters}
        print(
            f"  {len(providers)} providers ({', '.join(sorted(providers))}), "
            f"{len(generator.cat.offerings)} offerings, {len(generator.cat.all_clients)} clients"
        )
        columns = record_columns()
        copy_source = workdir / "bench_copy.csv"
        ours, raw, raw_fk = [], [], []
        for run in range(1, args.repeat + 1):
            measured = run_import(source)
            ours.append(measured)
            print(
                f"run {run}: import {measured['seconds']:.2f} s "
                f"({args.rows / measured['seconds']:,.0f} rows/s), {measured['message']} "
                f"peak RSS {mb(measured['hwm_mb'])}"
            )
            if measured["created"] != args.rows:
                fail(f"expected {args.rows} records created, got {measured['created']}")
            if run == 1:
                step = time.perf_counter()
                export_for_copy(copy_source, columns)
                create_copy_tables()
                print(
                    f"  prepared (untimed) {copy_source.name}: "
                    f"{copy_source.stat().st_size / 1e6:,.1f} MB in records_servicerecord's "
                    f"format, {time.perf_counter() - step:.1f} s"
                )
            copied = run_copy(copy_source, columns)
            raw.append(copied)
            if copied["rows"] != args.rows:
                fail(f"COPY loaded {copied['rows']} rows, expected {args.rows}")
            print(f"run {run}: raw COPY {copied['seconds']:.2f} s")
            copied = run_copy(copy_source, columns, COPY_FK_TABLE)
            raw_fk.append(copied)
            print(f"run {run}: raw COPY with FKs (information only) {copied['seconds']:.2f} s")

        parse_seconds = parse_only(source)
        profiler = None
        if args.profile:
            profiler = cProfile.Profile()
            run_import(source, profiler)

        our_time = statistics.median(m["seconds"] for m in ours)
        copy_time = statistics.median(c["seconds"] for c in raw)
        copy_fk_time = statistics.median(c["seconds"] for c in raw_fk)
        ratio = our_time / copy_time
        hwm = max((m["hwm_mb"] or 0) for m in ours) or None
        peak = hwm if hwm is not None else max(m["ru_maxrss_mb"] for m in ours)
        median_run = sorted(ours, key=lambda m: m["seconds"])[(len(ours) - 1) // 2]

        print("\nWhere the time of the import goes (median run, wall clock):")
        phases = median_run["phases"]
        measured_steps = (
            phases.get("load context", 0)
            + phases.get("COPY to staging", 0)
            + phases.get("duplicate check", 0)
            + phases.get("apply", 0)
        )
        rest = median_run["seconds"] - measured_steps
        lines = [
            ("read + parse + validate + measure rows, stream them (COPY)", rest),
            ("   of which reading + parsing the CSV alone (separate pass)", parse_seconds),
            ("COPY to staging: waits as each streamed COPY ends", phases.get("COPY to staging")),
            ("duplicate external_ref check (window query)", phases.get("duplicate check")),
            ("apply: lock providers, upsert, commit", phases.get("apply")),
            ("   of which apply_staged (the upsert)", phases.get("apply: upsert statements")),
            ("   of which commit (deferred FK checks, WAL flush)", phases.get("commit")),
            ("load context (calendars, codes, offerings)", phases.get("load context")),
        ]  # fmt: skip
        for label, seconds in lines:
            seconds = seconds or 0.0
            print(f"  {label:<64} {seconds:7.2f} s {100 * seconds / median_run['seconds']:5.1f}%")
        if median_run["missing"]:
            print(f"  (not found, not timed: {', '.join(median_run['missing'])})")
        print("  slowest SQL statements through Django (staging COPY and commit not included):")
        for label, (count, seconds) in sorted(
            median_run["sql"].items(), key=lambda item: -item[1][1]
        )[:8]:
            print(f"    {seconds:7.2f} s  x{count:<4} {label}")
        client_cpu = median_run["client_cpu"]
        server_cpu = median_run["server_cpu"]
        print(
            f"  CPU: this Python process {client_cpu:.1f} s, its PostgreSQL backend "
            + ("n/a" if server_cpu is None else f"{server_cpu:.1f} s")
            + f" (wall {median_run['seconds']:.1f} s)"
        )
        paired = [m["seconds"] / c["seconds"] for m, c in zip(ours, raw, strict=True)]
        cpu_ratio = None
        if all(x["server_cpu"] is not None for x in ours + raw):
            cpu_ours = statistics.median(m["client_cpu"] + m["server_cpu"] for m in ours)
            cpu_copy = statistics.median(c["client_cpu"] + c["server_cpu"] for c in raw)
            cpu_ratio = cpu_ours / cpu_copy
            print(
                f"  CPU (Python + backend, medians): import {cpu_ours:.1f} s, raw COPY "
                f"{cpu_copy:.1f} s: ratio {cpu_ratio:.2f} (less sensitive to a busy machine)"
            )

        if profiler:
            profile_report(profiler, args.profile)

        load_after = os.getloadavg()
        our_runs = ", ".join(f"{m['seconds']:.2f}" for m in ours)
        copy_runs = ", ".join(f"{c['seconds']:.2f}" for c in raw)
        shown_url = (
            urlparse(url)
            ._replace(netloc=urlparse(url).netloc.replace(f":{urlparse(url).password}@", ":***@"))
            .geturl()
        )
        info = [
            ("date", f"{started:%Y-%m-%d %H:%M %Z}"),
            ("command", " ".join(["DATABASE_URL=" + shown_url, ".venv/bin/python", *sys.argv])),
            ("machine", f"{host['nproc']} CPUs ({host['cpu']}), {host['ram_gb']:.1f} GB RAM"),
            ("load average", f"{load_before[0]:.2f} before, {load_after[0]:.2f} after"),
            ("Python / Django", f"{platform.python_version()} / {django.get_version()}, "
                                f"DEBUG={settings.DEBUG}"),
            ("PostgreSQL", server_version().split(" on ")[0]),
            ("records", f"{args.rows:,} ({args.repeat} run(s), medians)"),
            ("CSV file", f"{size / 1e6:,.1f} MB"),
            ("our import", f"{our_time:.2f} s = {args.rows / our_time:,.0f} rows/s   "
                           f"[runs: {our_runs}]"),
            ("  includes", "open file, read_csv, validate + clock, COPY to staging, duplicate "
                           "check, apply (upsert into records_servicerecord), commit (checks its "
                           f"{foreign_key_count('records_servicerecord')} deferred FKs)"),
            ("peak RSS", f"{mb(peak)} during the import (VmHWM reset before it; sampled VmRSS "
                         f"{mb(max(m['sampled_rss_mb'] for m in ours))}); ru_maxrss over the "
                         f"whole process {mb(max(m['ru_maxrss_mb'] for m in ours))}"),
            ("raw COPY", f"{copy_time:.2f} s = {args.rows / copy_time:,.0f} rows/s   "
                         f"[runs: {copy_runs}]"),
            ("  includes", f"COPY {COPY_TABLE} FROM STDIN of a ready CSV (ids, UTC timestamps, "
                           f"elapsed values) into {index_count(COPY_TABLE)} indexes (primary "
                           "key and unique (provider, external_ref) included) + check "
                           "constraint, no FKs, commit"),
            ("raw COPY with FKs", f"{copy_fk_time:.2f} s, information only: the same into "
                                  f"{COPY_FK_TABLE}, which also has the FKs (deferred, checked "
                                  f"at commit); ours / this = {our_time / copy_fk_time:.2f}"),
            ("ratio ours / COPY", f"{ratio:.2f} (median / median); per run: "
                                  f"{', '.join(f'{r:.2f}' for r in paired)} (median "
                                  f"{statistics.median(paired):.2f}); CPU-time ratio "
                                  + ("n/a" if cpu_ratio is None else f"{cpu_ratio:.2f}")),
            ("goal ratio <= 3", "PASS" if ratio <= GOAL_RATIO else "MISS"),
            ("goal RSS <= 400 MB", "PASS" if peak <= GOAL_RSS_MB else "MISS"),
        ]  # fmt: skip
        print("\n" + "=" * 30 + " summary " + "=" * 30)
        for key, value in info:
            print(f"{key:<20} {value}")
        print("=" * 69)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        with contextlib.suppress(Exception):
            drop_copy_tables()
        connections.close_all()
        if args.keep_db:
            print(f"kept database {name} (--keep-db)")
        else:
            drop_database(url, name)
            print(f"dropped database {name}")


if __name__ == "__main__":
    main()
