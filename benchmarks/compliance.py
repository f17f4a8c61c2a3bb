"""Benchmark of the compliance engine (DOMAIN §5) against one hand-written SQL aggregate.

Run from the project root with the virtual environment's Python, against a PostgreSQL
database whose name contains "bench" (created if missing; the tables this benchmark fills
are emptied first; the database is dropped at the end unless --keep-db is given):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_compliance \\
        .venv/bin/python benchmarks/compliance.py [--records N] [--repeat R] [--keep-db]

What it does:

1. Creates the database if missing (through the ``postgres`` maintenance database), runs
   ``migrate``, ``load_reference`` and ``load_sla_template`` (settings
   ``portal.settings.local``, with ``DJANGO_DEBUG=false`` unless set otherwise, so that
   Django does not log every query as it would on a developer's machine).
2. Builds the data set directly in SQL (not through the import pipeline, which
   ``benchmarks/ingest.py`` measures):

   * 10 real providers of the reference data, 5 catalogue services each (50 distinct
     services): the provider's own offerings first, then illustrative offerings created
     for the benchmark; every service gets at least one timeliness and one accuracy
     minimum service standard (illustrative ``BENCH-<service>-T/-A`` ones when missing);
   * 200 client entities: the reference ones plus illustrative ``BENCH-CLIENT-nnn``;
   * N service records (``INSERT ... SELECT generate_series``), completed over the 12
     months 2026-01..2026-12 in the provider's working hours (local time), ~90% completed,
     ~5% open (received mostly in the last weeks: age = 365 days x u^3), ~5% cancelled,
     ~3% of the completed ones defective (1-5% depending on the offering). Elapsed times
     are drawn on the clock of the service's timeliness standard so that each offering
     meets it for 96-102% of its target share, the other clock derived from it (a
     working week of 5 x working_day_hours in 168 calendar hours); ``received_at`` is
     ``completed_at`` minus the calendar time; ``calendar_id`` is the provider's duty
     station. 75% of a provider's records are for the 40 clients it has SLAs with;
   * 400 active SLAs (one per provider and client, 40 clients per provider, both
     signatures, period 2026-01-01..2026-12-31) with 2 or 3 lines each and 2 targets
     (timeliness and accuracy) per line: 2,000 targets, a third of them stricter than
     the standard. Created with ``bulk_create`` (no history rows).
3. Times, in one run, R times each, interleaved:
   (a) a full recompute: the shards of ``shards_to_compute(everything=True)`` split
       into tasks as ``compute_compliance --all`` enqueues them (``task_batches``: one
       task, or --tasks N) and each task (``compute_compliance_shards``) run here one
       after the other (the first repetition writes the results, the next ones
       recompute over them);
   (b) one hand-written SQL aggregate over the same rows (provider, service, month);
   and prints the ratio (a) / (b) of the medians (goal <= 3).
4. Adds N/12 new records completed in 2026-12 (the data of one month re-imported),
   marks the affected (provider, month) pairs with ``mark_pending`` as an import does,
   and times computing the pending shards only, through the same tasks (goal <= 10 s;
   median of R, the pairs marked again before each repetition).
5. Checks a few results of 3 random shards (and one incremental shard) against counts
   made by separate simple SQL queries (local month bounds computed by PostgreSQL).
6. When the ratio misses its goal (or with --profile), computes every shard once more
   with each phase of the engine timed (measures_for, the aggregate, the open records,
   _open_counts and its deadline calls, the upsert, the rest), prints the breakdown
   and the query plan of the aggregate of a full recompute.

``--cprofile FILE`` also runs one full recompute under cProfile and writes the statistics
to FILE (top functions printed).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import platform
import pstats
import random
import statistics
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "postgis"}
PROVIDER_CODES = ("RSCE", "KJSO", "UNGSC", "UNICTF", "UNON", "UNOG", "UNOV", "DOS", "ESCAP", "ECA")
SERVICES_PER_PROVIDER = 5
CLIENT_COUNT = 200
SLA_CLIENTS_PER_PROVIDER = 40
SHARE_OF_SLA_CLIENTS = 0.75  # of a provider's records, for the clients it has SLAs with
YEAR = 2026
GOAL_RATIO = 3.0
GOAL_INCREMENTAL_S = 10.0
FULL_TASKS = 1  # as compute_compliance --all enqueues a full recompute
ILLUSTRATIVE = "illustrative - created by benchmarks/compliance.py for the benchmark"
BENCH_SOURCE = "benchmarks/compliance.py"
REFERENCE_AGGREGATE = """
    SELECT provider_id, service_id, completed_month, count(*),
           sum(CASE WHEN NOT defective THEN 1 ELSE 0 END),
           sum(CASE WHEN elapsed_working_seconds <= 144000 THEN 1 ELSE 0 END)
    FROM records_servicerecord WHERE status = 'completed' GROUP BY 1, 2, 3
"""
# Informational: the same with the client, which SLA targets need.
CLIENT_AGGREGATE = """
    SELECT provider_id, service_id, client_id, completed_month, count(*),
           sum(CASE WHEN NOT defective THEN 1 ELSE 0 END),
           sum(CASE WHEN elapsed_working_seconds <= 144000 THEN 1 ELSE 0 END)
    FROM records_servicerecord WHERE status = 'completed' GROUP BY 1, 2, 3, 4
"""


def fail(message: str) -> None:
    print(f"compliance benchmark: {message}", file=sys.stderr)
    raise SystemExit(2)


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --------------------------------------------------------------------------------------
# Database
# --------------------------------------------------------------------------------------


def database_from_env() -> tuple[str, str]:
    url = os.environ.get("DATABASE_URL", "")
    example = "postgres://postgres@127.0.0.1:5432/portal_bench_compliance"
    if not url:
        fail(f"DATABASE_URL is not set; this benchmark needs PostgreSQL, e.g. {example}")
    parts = urlparse(url)
    if parts.scheme.split("+")[0] not in POSTGRES_SCHEMES:
        fail(f"DATABASE_URL must point to PostgreSQL (postgres://...), not '{parts.scheme}'.")
    name = unquote(parts.path.lstrip("/"))
    if not name:
        fail(f"DATABASE_URL names no database, e.g. {example}")
    if "bench" not in name:
        fail(
            f"refusing database '{name}': the benchmark empties the record, SLA and "
            f"compliance tables; use a database whose name contains 'bench', e.g. {example}"
        )
    return url, name


def _maintenance(url: str):
    import psycopg

    try:
        return psycopg.connect(url, dbname="postgres", autocommit=True)
    except psycopg.OperationalError as exc:
        fail(f"cannot connect to PostgreSQL ({exc}).")


def ensure_database(url: str, name: str) -> bool:
    from psycopg import sql

    with _maintenance(url) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def drop_database(url: str, name: str) -> None:
    from psycopg import sql

    with _maintenance(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.local"
    os.environ.setdefault("DJANGO_DEBUG", "false")
    import logging

    import django

    django.setup()
    # Eager Celery tasks (calendar re-measures while loading the reference) log each run.
    logging.getLogger("celery").setLevel(logging.WARNING)


def sql_rows(query: str, params=None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def sql_exec(query: str, params=None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.rowcount


def empty_bench_tables() -> None:
    """Records, SLAs and compliance rows of a previous run (reference data is kept)."""
    from compliance.models import ComplianceResult, ComplianceRun
    from records.models import PendingCompliance, ServiceRecord
    from sla.models import Agreement, ServiceLevelTarget, Sla, SlaLine

    models = [
        ServiceRecord,
        ComplianceResult,
        ComplianceRun,
        PendingCompliance,
        ServiceLevelTarget,
        SlaLine,
        Sla,
        Agreement,
    ]
    models += [m.history.model for m in (ServiceLevelTarget, SlaLine, Sla)]
    tables = ", ".join(f'"{m._meta.db_table}"' for m in models)
    sql_exec(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def prepare_database(url: str, name: str) -> None:
    from django.core.management import call_command

    created = ensure_database(url, name)
    say(f"database {name}: {'created' if created else 'exists, reused'}")
    call_command("migrate", verbosity=0, interactive=False)
    # Before load_reference: its signals would re-measure the records of changed calendars.
    empty_bench_tables()
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    call_command("load_sla_template", stdout=out)
    say("migrated; reference data and SLA template loaded")


# --------------------------------------------------------------------------------------
# The data set
# --------------------------------------------------------------------------------------


class Setup:
    """What was built: providers, their 5 services each, clients, SLA clients, SLAs."""

    def __init__(self):
        self.providers = []  # ServiceProvider, with duty_station
        self.services = {}  # provider id -> [Service] (5)
        self.timeliness = {}  # service id -> MinimumServiceStandard
        self.accuracy = {}  # service id -> MinimumServiceStandard
        self.clients = []  # ClientEntity ids (200)
        self.sla_clients = {}  # provider id -> [client id] (40)
        self.created = defaultdict(int)
        self.targets = 0
        self.slas = 0
        self.lines = 0


def build_catalogue(setup: Setup, rng: random.Random) -> None:
    from catalogue.choices import Clock, MeasureKind
    from catalogue.models import MinimumServiceStandard, Offering, Service
    from clients.choices import EntityType
    from clients.models import ClientEntity
    from cost_recovery.models import Rate
    from providers.models import ServiceProvider

    found = {
        p.code: p
        for p in ServiceProvider.objects.select_related("duty_station").filter(
            code__in=PROVIDER_CODES
        )
    }
    missing = sorted(set(PROVIDER_CODES) - set(found))
    if missing:
        fail(f"providers missing from the reference data: {', '.join(missing)}")
    setup.providers = [found[code] for code in PROVIDER_CODES]

    # 5 distinct services per provider: its own (reference) offerings first, fewest first.
    services = {s.pk: s for s in Service.objects.order_by("code")}
    offered = defaultdict(list)
    reference_offerings = Offering.objects.filter(provider__in=setup.providers).exclude(
        verification=ILLUSTRATIVE
    )
    for offering in reference_offerings.select_related("service").order_by("service__code"):
        offered[offering.provider_id].append(offering.service)
    order = sorted(setup.providers, key=lambda p: (len(offered[p.pk]), p.code))
    taken: set[int] = set()
    for provider in order:
        mine = [s for s in offered[provider.pk] if s.pk not in taken][:SERVICES_PER_PROVIDER]
        taken.update(s.pk for s in mine)
        setup.services[provider.pk] = mine
    free = [s for s in services.values() if s.pk not in taken]
    for provider in order:
        while len(setup.services[provider.pk]) < SERVICES_PER_PROVIDER:
            if not free:
                fail("the catalogue has fewer than 50 services")
            service = free.pop(0)
            taken.add(service.pk)
            setup.services[provider.pk].append(service)
            offering, created = Offering.objects.get_or_create(
                provider=provider,
                service=service,
                defaults={
                    "scope": "global",
                    "rate_unit": f"per {service.unit_of_service}"[:60],
                    "lead_time_days": 5,
                    "source": BENCH_SOURCE,
                    "verification": ILLUSTRATIVE,
                },
            )
            setup.created["offerings"] += created
            if created:  # its price, on the rate card
                Rate.objects.create(
                    offering=offering,
                    rate=Decimal("100.00"),
                    currency="USD",
                    valid_from=dt.date(2020, 1, 1),
                    source=BENCH_SOURCE,
                    verification=ILLUSTRATIVE,
                )

    # A timeliness and an accuracy standard for every service used (bulk: no signals).
    new_standards = []
    for provider in setup.providers:
        for service in setup.services[provider.pk]:
            standards = list(service.standards.order_by("code"))
            kinds = {s.kind for s in standards}
            if MeasureKind.TIMELINESS not in kinds:
                new_standards.append(
                    MinimumServiceStandard(
                        code=f"BENCH-{service.code}-T"[:32],
                        service=service,
                        kind=MeasureKind.TIMELINESS,
                        threshold=Decimal(10),
                        clock=Clock.WORKING_DAYS,
                        target_pct=Decimal(90),
                        source=BENCH_SOURCE,
                        verification=ILLUSTRATIVE,
                    )
                )
            if MeasureKind.ACCURACY not in kinds:
                new_standards.append(
                    MinimumServiceStandard(
                        code=f"BENCH-{service.code}-A"[:32],
                        service=service,
                        kind=MeasureKind.ACCURACY,
                        target_pct=Decimal(98),
                        source=BENCH_SOURCE,
                        verification=ILLUSTRATIVE,
                    )
                )
    MinimumServiceStandard.objects.bulk_create(new_standards)
    setup.created["standards"] = len(new_standards)
    for provider in setup.providers:
        for service in setup.services[provider.pk]:
            standards = list(service.standards.order_by("code"))
            setup.timeliness[service.pk] = next(
                s for s in standards if s.kind == MeasureKind.TIMELINESS
            )
            setup.accuracy[service.pk] = next(
                s for s in standards if s.kind == MeasureKind.ACCURACY
            )

    # 200 client entities: the reference ones, then illustrative BENCH-CLIENT-nnn.
    reference_clients = list(
        ClientEntity.objects.exclude(code__startswith="BENCH-CLIENT-")
        .order_by("code")
        .values_list("pk", flat=True)
    )[:CLIENT_COUNT]
    wanted = [f"BENCH-CLIENT-{n:03d}" for n in range(1, CLIENT_COUNT - len(reference_clients) + 1)]
    existing = set(ClientEntity.objects.filter(code__in=wanted).values_list("code", flat=True))
    ClientEntity.objects.bulk_create(
        ClientEntity(
            code=code,
            name=f"Benchmark client entity {code[-3:]}",
            type=EntityType.OTHER,
            country="US",
            active=True,
            source=BENCH_SOURCE,
            verification=ILLUSTRATIVE,
        )
        for code in wanted
        if code not in existing
    )
    setup.created["clients"] = len(wanted) - len(existing)
    bench_clients = list(
        ClientEntity.objects.filter(code__in=wanted).order_by("code").values_list("pk", flat=True)
    )
    setup.clients = reference_clients + bench_clients
    for provider in setup.providers:
        setup.sla_clients[provider.pk] = rng.sample(setup.clients, SLA_CLIENTS_PER_PROVIDER)


def build_slas(setup: Setup, rng: random.Random) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from catalogue.choices import MeasureKind
    from catalogue.models import Offering
    from catalogue.selectors import with_rate_on
    from sla.choices import SlaStatus
    from sla.models import Agreement, ServiceLevelTarget, Sla, SlaLine, SlaTemplate

    template = SlaTemplate.objects.get(is_current=True)
    users = get_user_model().objects
    client_signer, _ = users.get_or_create(
        username="bench-client-signer", defaults={"email": "client-signer@bench.invalid"}
    )
    provider_signer, _ = users.get_or_create(
        username="bench-provider-signer", defaults={"email": "provider-signer@bench.invalid"}
    )
    signed = timezone.make_aware(dt.datetime(YEAR - 1, 12, 15, 12))
    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)

    # Each line quotes the rate card's rate in force when the SLA was signed.
    offerings = {
        (o.provider_id, o.service_id): o
        for o in with_rate_on(Offering.objects.filter(provider__in=setup.providers), signed.date())
    }
    plan = []  # (agreement, sla, [(offering, [targets])])
    for provider in setup.providers:
        for j, client_id in enumerate(setup.sla_clients[provider.pk]):
            agreement = Agreement(
                number=f"BENCH-{provider.code}-{j + 1:03d}", provider=provider, client_id=client_id
            )
            sla = Sla(
                version=1,
                template=template,
                status=SlaStatus.ACTIVE,
                start_date=start,
                end_date=end,
                notes="Illustrative SLA created by benchmarks/compliance.py.",
                submitted_at=signed - dt.timedelta(days=5),
                client_signed_by=client_signer,
                client_signed_at=signed,
                provider_signed_by=provider_signer,
                provider_signed_at=signed,
                approved_at=signed,
            )
            n_lines = 2 if j % 2 == 0 else 3
            lines = []
            for service in rng.sample(setup.services[provider.pk], n_lines):
                targets = []
                for standard in (setup.timeliness[service.pk], setup.accuracy[service.pk]):
                    threshold, pct = standard.threshold, standard.target_pct
                    if rng.random() < 1 / 3:  # stricter than the standard, never weaker
                        if standard.kind == MeasureKind.TIMELINESS:
                            threshold = max(
                                Decimal("0.5"),
                                (threshold * Decimal("0.8")).quantize(Decimal("0.01")),
                            )
                        else:
                            pct = min(Decimal(100), pct + Decimal("0.5"))
                    targets.append(
                        ServiceLevelTarget(
                            standard=standard,
                            kind=standard.kind,
                            threshold=threshold,
                            clock=standard.clock,
                            target_pct=pct,
                        )
                    )
                lines.append((offerings[(provider.pk, service.pk)], targets))
            plan.append((agreement, sla, lines))

    Agreement.objects.bulk_create([a for a, _, _ in plan])
    for agreement, sla, _ in plan:
        sla.agreement = agreement
    Sla.objects.bulk_create([s for _, s, _ in plan])
    line_rows, target_rows = [], []
    for _, sla, lines in plan:
        for offering, targets in lines:
            line = SlaLine(
                sla=sla,
                offering=offering,
                expected_volume=1000,
                cost_recovery_rate=offering.cost_recovery_rate or Decimal(0),
                currency=offering.currency or "USD",
                rate_unit=offering.rate_unit,
            )
            line_rows.append(line)
            for target in targets:
                target.line = line
                target_rows.append(target)
    SlaLine.objects.bulk_create(line_rows)
    for target in target_rows:
        target.line_id = target.line.pk
    ServiceLevelTarget.objects.bulk_create(target_rows)
    setup.slas, setup.lines, setup.targets = len(plan), len(line_rows), len(target_rows)


def create_offer_table(setup: Setup, rng: random.Random) -> None:
    """bench_offer: one row per (provider, service) with what the generator needs."""
    from core.clock import threshold_seconds, uses_working_time

    sql_exec("DROP TABLE IF EXISTS bench_offer")
    sql_exec(
        """CREATE TEMP TABLE bench_offer (
            k int PRIMARY KEY, p int, provider_id bigint, service_id bigint, station_id bigint,
            tz text, working boolean, thr bigint, spread float8, ratio float8, defect float8)"""
    )
    rows = []
    k = 0
    for p, provider in enumerate(setup.providers):
        station = provider.duty_station
        hours = station.working_day_hours
        for service in setup.services[provider.pk]:
            standard = setup.timeliness[service.pk]
            thr = threshold_seconds(standard.clock, standard.threshold, hours)
            # Share of records within the threshold: 96-102% of the target share.
            met_share = min(1.0, float(standard.target_pct) / 100 * rng.uniform(0.96, 1.02))
            rows.append(
                (
                    k,
                    p,
                    provider.pk,
                    service.pk,
                    station.pk,
                    station.timezone,
                    uses_working_time(standard.clock),
                    thr,
                    1 / met_share,
                    168 / (5 * float(hours)),  # calendar seconds per working second
                    rng.choice((0.01, 0.02, 0.03, 0.04, 0.05)),
                )
            )
            k += 1
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bench_offer VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", rows
        )


INSERT_RECORDS = """
INSERT INTO records_servicerecord (
    provider_id, client_id, service_id, external_ref, received_at, completed_at, status,
    defective, pauses, calendar_id, elapsed_working_seconds, elapsed_calendar_seconds,
    completed_month, created_at, updated_at)
SELECT o.provider_id, c.client_id, o.service_id, %(prefix)s || g.i,
    CASE WHEN g.status = 'open'
        THEN (%(window_end)s::timestamp - power(g.u_age, 3) * %(open_span)s::interval)
            AT TIME ZONE o.tz
        ELSE (g.local_done AT TIME ZONE o.tz) - make_interval(secs => e.cal) END,
    CASE WHEN g.status = 'open' THEN NULL ELSE g.local_done AT TIME ZONE o.tz END,
    g.status,
    g.status = 'completed' AND g.u_def < o.defect,
    '[]'::jsonb,
    o.station_id,
    CASE WHEN g.status = 'open' THEN NULL ELSE e.work END,
    CASE WHEN g.status = 'open' THEN NULL ELSE e.cal END,
    CASE WHEN g.status = 'open' THEN NULL ELSE date_trunc('month', g.local_done)::date END,
    now(), now()
FROM (
    SELECT i, mod(i, 50) AS k,
        CASE WHEN u < 0.90 THEN 'completed' WHEN u < 0.95 THEN 'open' ELSE 'cancelled' END
            AS status,
        %(first_day)s::timestamp + floor(random() * %(days)s) * interval '1 day'
            + interval '8 hours' + random() * interval '9 hours' AS local_done,
        random() AS u_age, random() AS u_client, random() AS u_pick, random() AS u_el,
        random() AS u_def, random() AS u_extra
    FROM (SELECT i, random() AS u FROM generate_series(%(first)s, %(last)s) AS i) AS s
) AS g
JOIN bench_offer o ON o.k = g.k
CROSS JOIN LATERAL (
    SELECT CASE WHEN g.u_client < %(sla_share)s
        THEN (%(sla_clients)s::bigint[])[o.p * %(per_provider)s + 1
            + floor(g.u_pick * %(per_provider)s)::int]
        ELSE (%(clients)s::bigint[])[1 + floor(g.u_pick * %(client_count)s)::int] END
        AS client_id
) AS c
CROSS JOIN LATERAL (
    SELECT floor(o.thr * (0.05 + 0.95 * g.u_el * o.spread))::bigint AS s
) AS m
CROSS JOIN LATERAL (
    SELECT CASE WHEN o.working THEN m.s ELSE floor(m.s / o.ratio)::bigint END AS work,
        CASE WHEN o.working THEN floor(m.s * o.ratio + g.u_extra * 3600)::bigint ELSE m.s END
            AS cal
) AS e
"""


def insert_records(
    setup: Setup,
    *,
    first: int,
    last: int,
    prefix: str,
    first_day,
    days: int,
    window_end,
    open_span_days: int,
) -> int:
    sla_clients = [c for p in setup.providers for c in setup.sla_clients[p.pk]]
    return sql_exec(
        INSERT_RECORDS,
        {
            "prefix": prefix,
            "first": first,
            "last": last,
            "first_day": first_day,
            "days": days,
            "window_end": window_end,
            "open_span": f"{open_span_days} days",
            "sla_share": SHARE_OF_SLA_CLIENTS,
            "sla_clients": sla_clients,
            "per_provider": SLA_CLIENTS_PER_PROVIDER,
            "clients": setup.clients,
            "client_count": len(setup.clients),
        },
    )


def build(records: int, seed: int) -> Setup:
    rng = random.Random(seed)
    setup = Setup()
    t0 = time.perf_counter()
    build_catalogue(setup, rng)
    build_slas(setup, rng)
    create_offer_table(setup, rng)
    sql_exec("SELECT setseed(%s)", [(seed % 1000) / 1000])
    inserted = insert_records(
        setup,
        first=1,
        last=records,
        prefix="B-",
        first_day=dt.date(YEAR, 1, 1),
        days=365,
        window_end=dt.date(YEAR + 1, 1, 1),
        open_span_days=365,
    )
    say(f"inserted {inserted:,} records in {time.perf_counter() - t0:.1f} s; VACUUM ANALYZE")
    for table in (
        "records_servicerecord",
        "sla_serviceleveltarget",
        "sla_slaline",
        "sla_sla",
        "sla_agreement",
        "catalogue_offering",
        "catalogue_minimumservicestandard",
        "clients_cliententity",
    ):
        sql_exec(f"VACUUM ANALYZE {table}")
    say(
        f"data set built in {time.perf_counter() - t0:.1f} s: {len(setup.providers)} providers, "
        f"{sum(len(v) for v in setup.services.values())} (provider, service) pairs, "
        f"{len(setup.clients)} clients, {setup.slas} SLAs, {setup.lines} lines, "
        f"{setup.targets} targets; created {dict(setup.created)}"
    )
    return setup


# --------------------------------------------------------------------------------------
# Timings
# --------------------------------------------------------------------------------------


def full_recompute(trigger: str = "bench-full") -> dict:
    """Every shard, sequentially. The breach notifications the engine sends after each
    shard are timed too (a thin wrapper on ``_notify_breaches``: one call per shard)."""
    import compliance.engine as engine
    from compliance.engine import runs

    notify = runs._notify_breaches
    notified = {"seconds": 0.0, "results": 0}

    def timed_notify(keys):
        t = time.perf_counter()
        try:
            return notify(keys)
        finally:
            notified["seconds"] += time.perf_counter() - t
            notified["results"] += len(keys)

    runs._notify_breaches = timed_notify
    try:
        t0 = time.perf_counter()
        shards = engine.shards_to_compute(everything=True)
        listed = time.perf_counter() - t0
        rows = run_batches(shards, trigger, tasks=FULL_TASKS)
        seconds = time.perf_counter() - t0
    finally:
        runs._notify_breaches = notify
    return {
        "seconds": seconds,
        "listing": listed,
        "shards": len(shards),
        "rows": rows,
        "notify": notified["seconds"],
        "notified": notified["results"],
    }


def reference_aggregate(query: str = REFERENCE_AGGREGATE) -> tuple[float, int]:
    t0 = time.perf_counter()
    rows = sql_rows(query)
    return time.perf_counter() - t0, len(rows)


def run_batches(shards, trigger: str, tasks: int | None = None) -> int:
    """The tasks ``enqueue_shards`` sends for these shards, run here one after the other;
    the rows they wrote."""
    from compliance.tasks import compute_compliance_shards, task_batches

    return sum(compute_compliance_shards(batch, trigger) for batch in task_batches(shards, tasks))


def pending_recompute() -> dict:
    from compliance.engine import shards_to_compute

    t0 = time.perf_counter()
    shards = shards_to_compute()
    rows = run_batches(shards, "bench-pending")
    return {"seconds": time.perf_counter() - t0, "shards": len(shards), "rows": rows}


def add_month_of_records(setup: Setup, records: int) -> tuple[int, list]:
    """N/12 more records completed (or received, when open) in 2026-12; the
    (provider, month) pairs an import would mark."""
    before = sql_rows("SELECT coalesce(max(id), 0) FROM records_servicerecord")[0][0]
    extra = max(1, records // 12)
    inserted = insert_records(
        setup,
        first=records + 1,
        last=records + extra,
        prefix="B2-",
        first_day=dt.date(YEAR, 12, 1),
        days=31,
        window_end=dt.date(YEAR + 1, 1, 1),
        open_span_days=31,
    )
    pairs = sql_rows(
        """SELECT DISTINCT r.provider_id,
               coalesce(r.completed_month,
                        date_trunc('month', r.received_at AT TIME ZONE d.timezone)::date)
           FROM records_servicerecord r JOIN core_dutystation d ON d.id = r.calendar_id
           WHERE r.id > %s""",
        [before],
    )
    return inserted, sorted(pairs)


# --------------------------------------------------------------------------------------
# Correctness spot check
# --------------------------------------------------------------------------------------


def expected_counts(result, station) -> tuple[int, int]:
    """(eligible, met) of one result, counted by a plain query on local month bounds."""
    from catalogue.choices import MeasureKind
    from core.clock import threshold_seconds, uses_working_time

    if result.kind == MeasureKind.ACCURACY:
        met = "NOT defective"
        extra = []
    else:
        column = (
            "elapsed_working_seconds"
            if uses_working_time(result.clock)
            else "elapsed_calendar_seconds"
        )
        met = f"{column} <= %s"
        extra = [threshold_seconds(result.clock, result.threshold, station.working_day_hours)]
    first = result.period
    after = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    where = [
        "provider_id = %s",
        "service_id = %s",
        "status = 'completed'",
        "(completed_at AT TIME ZONE %s) >= %s",
        "(completed_at AT TIME ZONE %s) < %s",
    ]
    params = [
        result.provider_id,
        result.service_id,
        station.timezone,
        first,
        station.timezone,
        after,
    ]
    if result.sla_id:
        sla = result.sla
        where += [
            "client_id = %s",
            "(completed_at AT TIME ZONE %s)::date BETWEEN %s AND %s",
        ]
        params += [result.client_id, station.timezone, sla.start_date, sla.in_force_until]
    query = (
        f"SELECT count(*), count(*) FILTER (WHERE {met}) FROM records_servicerecord "
        f"WHERE {' AND '.join(where)}"
    )
    eligible, met_count = sql_rows(query, extra + params)[0]
    return eligible, met_count


def spot_check(shards, rng: random.Random) -> tuple[bool, list[str]]:
    from compliance.models import ComplianceResult
    from providers.models import ServiceProvider

    ok, lines = True, []
    for provider_id, month in shards:
        provider = ServiceProvider.objects.select_related("duty_station").get(pk=provider_id)
        results = list(
            ComplianceResult.objects.filter(provider_id=provider_id, period=month, eligible__gt=0)
            .select_related("standard", "sla")
            .order_by("key")
        )
        picked = []
        for scope in ("mss", "sla"):
            for kind in ("timeliness", "accuracy"):
                candidates = [r for r in results if r.scope == scope and r.kind == kind]
                if candidates:
                    picked.append(rng.choice(candidates))
        if not picked:
            ok = False
            lines.append(f"{provider.code} {month:%Y-%m}: no result with eligible records")
        for result in picked:
            eligible, met = expected_counts(result, provider.duty_station)
            good = (eligible, met) == (result.eligible, result.met)
            ok &= good
            what = result.standard.code + (f" SLA {result.sla_id}" if result.sla_id else "")
            lines.append(
                f"{provider.code} {month:%Y-%m} {result.scope} {result.kind:10} {what:28} "
                f"engine {result.eligible}/{result.met}  SQL {eligible}/{met}  "
                f"{'OK' if good else 'MISMATCH'}"
            )
    return ok, lines


# --------------------------------------------------------------------------------------
# Profile: where a full recompute spends its time
# --------------------------------------------------------------------------------------


def profile_phases() -> dict:
    """One full recompute with the engine's phases timed (wrappers installed in this
    process only, on each function in the module its callers look it up in; the engine's
    code is unchanged)."""
    from django.db.models import QuerySet

    import compliance.tasks
    from compliance.engine import counting, overdue, results, runs
    from compliance.models import ComplianceResult

    spent: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)
    originals = {}

    def wrap(owner, name, label):
        original = getattr(owner, name)
        originals[(owner, name)] = original

        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - t0
                calls[label] += 1

        timed.__wrapped_original__ = original
        setattr(owner, name, timed)
        if owner is counting:  # the per-kind counters are called through their table
            for kind, counter in list(counting.KIND_COUNTERS.items()):
                if counter is original:
                    counting.KIND_COUNTERS[kind] = timed

    manager = ComplianceResult.objects
    original_delete = QuerySet.delete

    def timed_delete(self, *args, **kwargs):
        if self.model is not ComplianceResult:
            return original_delete(self, *args, **kwargs)
        t0 = time.perf_counter()
        try:
            return original_delete(self, *args, **kwargs)
        finally:
            spent["delete stale results"] += time.perf_counter() - t0
            calls["delete stale results"] += 1

    wrap(compliance.tasks, "compute_shards", "compute_shards (total)")
    wrap(runs, "_compute", "_compute")
    wrap(results, "measures_for", "measures_for")
    wrap(counting, "_record_totals", "_record_totals (the SQL aggregate)")
    wrap(results, "_open_records", "_open_records (query)")
    wrap(results, "_open_counts", "_open_counts")
    wrap(overdue, "due_after", "  of which deadlines (due_at)")
    wrap(manager, "bulk_create", "upsert (bulk_create)")
    QuerySet.delete = timed_delete
    try:
        figures = full_recompute(trigger="bench-profile")
    finally:
        QuerySet.delete = original_delete
        for (owner, name), original in originals.items():
            if owner is manager:
                del manager.bulk_create
            else:
                setattr(owner, name, original)
                for kind, counter in list(counting.KIND_COUNTERS.items()):
                    if getattr(counter, "__wrapped_original__", None) is original:
                        counting.KIND_COUNTERS[kind] = original
    return {"figures": figures, "spent": dict(spent), "calls": dict(calls)}


def print_profile(profile: dict) -> None:
    spent, calls, figures = profile["spent"], profile["calls"], profile["figures"]
    total = figures["seconds"]

    def line(label: str, seconds: float, note: str) -> None:
        print(f"  {label:36} {seconds:8.2f} s  {100 * seconds / total:5.1f}%  {note}")

    print(
        f"\nPhase breakdown of one full recompute ({total:.2f} s, {figures['shards']} shards, "
        "with timing wrappers):"
    )
    known = [
        "measures_for",
        "_record_totals (the SQL aggregate)",
        "_open_records (query)",
        "_open_counts",
        "  of which deadlines (due_at)",
        "upsert (bulk_create)",
        "delete stale results",
    ]
    for label in known:
        line(label, spent.get(label, 0.0), f"({calls.get(label, 0):,} calls)")
    compute = spent.get("_compute", 0.0)
    inner = sum(spent.get(label, 0.0) for label in known if not label.startswith("  "))
    line("rest of _compute", compute - inner, "(previous results query, comparing rows, status)")
    outer = spent.get("compute_shards (total)", 0.0)
    line(
        "run bookkeeping, lock, pending",
        outer - compute,
        "(ComplianceRun, advisory lock, pending marks, notifications)",
    )
    line("  of which breach notifications", figures["notify"], f"({figures['notified']:,} results)")
    line("listing shards (shards_to_compute)", figures["listing"], "")


def explain_aggregate() -> list[str]:
    """EXPLAIN ANALYZE of the engine's aggregate in a full recompute."""
    from django.db import connection, transaction

    from compliance.engine import compute_shards, shards_to_compute
    from compliance.engine.counting import _hash_plan

    shards = shards_to_compute(everything=True)
    captured = []

    def capture(execute, sql, params, many, context):
        if "GROUP BY s.sid" in sql:
            captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        compute_shards(shards=shards, trigger="bench-explain")
    if not captured:
        return ["(aggregate query not captured)"]
    sql, params = captured[0]
    with transaction.atomic(), connection.cursor() as cursor, _hash_plan(cursor):
        # with the planner settings the engine uses for this statement
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = cursor.fetchall()
    head = [f"{len(shards)} shards, {len(params[0])} (provider, service) pairs"]
    return head + [row[0] for row in plan]


def run_cprofile(path: str) -> list[str]:
    profiler = cProfile.Profile()
    profiler.enable()
    full_recompute(trigger="bench-cprofile")
    profiler.disable()
    profiler.dump_stats(path)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(20)
    return out.getvalue().splitlines()


# --------------------------------------------------------------------------------------
# Machine
# --------------------------------------------------------------------------------------


def machine() -> dict:
    info = {"nproc": len(os.sched_getaffinity(0)), "cpu": platform.processor() or "?", "ram": "?"}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["ram"] = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    info["load"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    info["python"] = platform.python_version()
    return info


def median(values):
    return statistics.median(values) if values else float("nan")


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="print the phase breakdown even when the ratio meets its goal",
    )
    parser.add_argument("--no-profile", action="store_true", help="never run the phase breakdown")
    parser.add_argument(
        "--cprofile",
        metavar="FILE",
        help="also run one full recompute under cProfile, stats to FILE",
    )
    args = parser.parse_args()
    if args.records < 1200 or args.repeat < 1:
        fail("--records must be at least 1200 and --repeat at least 1")

    url, name = database_from_env()
    setup_django()
    started = dt.datetime.now(dt.UTC)
    command = " ".join(["benchmarks/compliance.py", *sys.argv[1:]])
    try:
        prepare_database(url, name)
        setup = build(args.records, args.seed)
        from compliance.models import ComplianceResult
        from records.models import PendingCompliance
        from records.services import mark_pending

        PendingCompliance.objects.all().delete()
        rng = random.Random(args.seed)

        full_runs, aggregate_runs, client_runs = [], [], []
        for repetition in range(1, args.repeat + 1):
            say(f"repetition {repetition}/{args.repeat}: full recompute")
            full = full_recompute()
            full_runs.append(full)
            say(
                f"  full recompute {full['seconds']:.2f} s ({full['shards']} shards, "
                f"{full['rows']:,} rows written; listing {full['listing']:.2f} s; "
                f"{full['notified']:,} breach notifications {full['notify']:.2f} s); "
                "reference aggregate"
            )
            aggregate_runs.append(reference_aggregate())
            client_runs.append(reference_aggregate(CLIENT_AGGREGATE))
            say(
                f"  aggregate {aggregate_runs[-1][0]:.3f} s ({aggregate_runs[-1][1]:,} groups), "
                f"with client {client_runs[-1][0]:.3f} s ({client_runs[-1][1]:,} groups)"
            )
        shards = full_runs[0]["shards"]
        full_s = median([r["seconds"] for r in full_runs])
        aggregate_s = median([r[0] for r in aggregate_runs])
        client_s = median([r[0] for r in client_runs])
        ratio = full_s / aggregate_s
        result_rows = ComplianceResult.objects.count()

        all_shards = sorted(
            set(ComplianceResult.objects.order_by().values_list("provider_id", "period").distinct())
        )
        check_ok, check_lines = spot_check(rng.sample(all_shards, 3), rng)

        say(f"adding {args.records // 12:,} records completed in {YEAR}-12 (untimed)")
        inserted, pairs = add_month_of_records(setup, args.records)
        sql_exec("ANALYZE records_servicerecord")
        incremental_runs = []
        for repetition in range(1, args.repeat + 1):
            mark_pending(pairs)
            run = pending_recompute()
            incremental_runs.append(run)
            say(
                f"  incremental {repetition}/{args.repeat}: {run['seconds']:.2f} s "
                f"({run['shards']} pending shards, {run['rows']:,} rows written)"
            )
        incremental_s = median([r["seconds"] for r in incremental_runs])
        inc_ok, inc_lines = spot_check([pairs[rng.randrange(len(pairs))]], rng)
        check_ok &= inc_ok
        check_lines += [f"(incremental) {line}" for line in inc_lines]

        profile = explain = cprofile_lines = None
        if args.profile or (ratio > GOAL_RATIO and not args.no_profile):
            say("profiling one full recompute (phase timers)")
            profile = profile_phases()
            explain = explain_aggregate()
        if args.cprofile:
            say(f"cProfile of one full recompute -> {args.cprofile}")
            cprofile_lines = run_cprofile(args.cprofile)

        pg_version = sql_rows("SHOW server_version")[0][0]
        info = machine()
        first = full_runs[0]
        full_list = ", ".join(f"{r['seconds']:.2f}" for r in full_runs)
        aggregate_list = ", ".join(f"{r[0]:.3f}" for r in aggregate_runs)
        incremental_list = ", ".join(f"{r['seconds']:.2f}" for r in incremental_runs)
        print()
        print("=" * 78)
        print("Compliance engine benchmark")
        print(f"date        {started:%Y-%m-%d %H:%M} UTC")
        print(
            f"machine     {info['nproc']} CPUs ({info['cpu']}), {info['ram']} RAM, "
            f"load average at the end {info['load']}"
        )
        print(f"software    PostgreSQL {pg_version}, Python {info['python']}")
        print(f"command     DATABASE_URL=postgres://.../{name} .venv/bin/python {command}")
        print(
            f"records     {args.records:,} (+{inserted:,} for the incremental run); "
            f"{len(setup.providers)} providers x {SERVICES_PER_PROVIDER} services, "
            f"{len(setup.clients)} clients"
        )
        print(f"SLAs        {setup.slas} active SLAs, {setup.lines} lines, {setup.targets} targets")
        print(
            f"results     {result_rows:,} result rows after a full recompute "
            f"({first['rows']:,} written per full run)"
        )
        print(
            f"(a) full    median {full_s:.2f} s over {args.repeat} "
            f"({full_list}; the first one "
            f"writes into an empty table), {shards} shards, {shards / full_s:.1f} shards/s, "
            f"{full_s / shards * 1000:.0f} ms/shard"
        )
        print(
            f"            of which listing the shards (shards_to_compute) "
            f"{median([r['listing'] for r in full_runs]):.2f} s; breach notifications "
            f"{first['notify']:.2f} s for {first['notified']:,} results in the first run, "
            f"{median([r['notify'] for r in full_runs[1:]] or [0]):.2f} s in the next ones"
        )
        print(
            f"(b) SQL     median {aggregate_s:.3f} s "
            f"({aggregate_list}), "
            f"{aggregate_runs[0][1]:,} groups; grouped by client too: {client_s:.3f} s"
        )
        print(
            f"ratio       full / aggregate = {ratio:.1f}  (goal <= {GOAL_RATIO:g}: "
            f"{'PASS' if ratio <= GOAL_RATIO else 'MISS'}); "
            f"full / aggregate with client = {full_s / client_s:.1f}"
        )
        last = incremental_runs[0]
        print(
            f"(c) pending median {incremental_s:.2f} s "
            f"({incremental_list}), "
            f"{last['shards']} shards, {last['rows']:,} rows written  "
            f"(goal <= {GOAL_INCREMENTAL_S:g} s: "
            f"{'PASS' if incremental_s <= GOAL_INCREMENTAL_S else 'MISS'})"
        )
        print(f"check       spot check of eligible/met: {'PASS' if check_ok else 'FAIL'}")
        for line in check_lines:
            print(f"    {line}")
        print("=" * 78)
        if profile:
            print_profile(profile)
            print("\nQuery plan of the engine's aggregate in a full recompute:")
            for line in explain:
                print(f"    {line}")
        if cprofile_lines:
            print("\ncProfile (top 20 by own time):")
            for line in cprofile_lines:
                print(f"    {line}")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            drop_database(url, name)
            say(f"database {name} dropped (use --keep-db to keep it)")


if __name__ == "__main__":
    main()
