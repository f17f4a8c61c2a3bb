"""Recovery: a database backed up with pg_dump comes back whole with pg_restore.

A database of its own on the PostgreSQL server of the test run is migrated and filled as
an operator's would be (reference data, the SLA template, the demo data: SLAs with their
lines and targets, service records, compliance results, rate cards and an issued
statement). It is backed up with the commands of docs/operations.md
(``pg_dump --format=custom``), the archive is checked (``pg_restore --list``),
the database is dropped, created again empty and restored (``pg_restore --no-owner
--exit-on-error``). Every table then has the same rows as before (row count and a
checksum of its rows), every sequence the same position, the operator's counts
(docs/backup-counts.sql) are the same, and no migration is missing.

PostgreSQL only: on SQLite there is nothing to dump with pg_dump. Without pg_dump or
pg_restore the test is skipped, and fails when services are required (CI).
"""

import shutil
import subprocess
import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.db import connection

from tests.faults.services import manage, need, portal_env
from tests.support import ROOT

pytestmark = pytest.mark.faults

# Tables that must not be empty before the backup, or the comparison would prove little.
KEY_TABLES = (
    "providers_serviceprovider",
    "clients_cliententity",
    "catalogue_service",
    "sla_sla",
    "sla_slaline",
    "sla_serviceleveltarget",
    "records_servicerecord",
    "compliance_complianceresult",
    "cost_recovery_statement",
    "cost_recovery_statementline",
)

TABLES = """
    SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename
"""
SEQUENCES = """
    SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'
    ORDER BY sequencename
"""


def _database_url(name: str) -> str:
    """The URL of database ``name`` on the server of the test run."""
    settings = connection.settings_dict
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{name}"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _maintenance(url: str, statement: str) -> None:
    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(statement)


def snapshot(url: str) -> dict:
    """Per table (row count, checksum of its rows, order-independent); per sequence its
    last value."""
    figures = {}
    with psycopg.connect(url) as conn:
        for (table,) in conn.execute(TABLES).fetchall():
            count, checksum = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' "  # noqa: S608
                f"ORDER BY md5(t::text)), '')) FROM \"{table}\" t"
            ).fetchone()
            figures[table] = (count, checksum)
        for sequence, last_value in conn.execute(SEQUENCES).fetchall():
            figures[f"sequence {sequence}"] = last_value
    return figures


@pytest.fixture
def database():
    """A database of its own (dropped at the end, whatever happens), and its URL."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "backup and restore use pg_dump and pg_restore: PostgreSQL only "
            "(this run uses SQLite; set DATABASE_URL=postgres://...)"
        )
    name = f"portal_backup_{uuid.uuid4().hex[:12]}"
    url = _database_url(name)
    _maintenance(url, f'CREATE DATABASE "{name}"')
    try:
        yield name, url
    finally:
        _maintenance(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_every_record_sla_and_result(database, tmp_path):
    name, url = database
    pg_dump = need(shutil.which("pg_dump"), "pg_dump (apt-get install postgresql-client)")
    pg_restore = need(shutil.which("pg_restore"), "pg_restore (apt-get install postgresql-client)")
    psql = need(shutil.which("psql"), "psql (apt-get install postgresql-client)")

    def counts() -> str:
        """The operator's check (docs/backup-counts.sql), as docs/operations.md runs it."""
        return subprocess.run(
            [psql, url, "-At", "-F", " ", "-v", "ON_ERROR_STOP=1", "-f",
             str(ROOT / "docs" / "backup-counts.sql")],
            check=True, capture_output=True, text=True, timeout=60,
        ).stdout  # fmt: skip

    env = portal_env(
        DATABASE_URL=url, CELERY_BROKER_URL="", DJANGO_MEDIA_ROOT=str(tmp_path / "media")
    )
    for command in ("migrate --noinput", "load_reference", "load_sla_template", "seed_demo"):
        manage(*command.split(), env=env, timeout=600)
    before = snapshot(url)
    empty = [table for table in KEY_TABLES if not before[table][0]]
    assert not empty, f"nothing to back up in {empty}: the demo data changed?"
    counted = counts()

    archive = tmp_path / "portal.dump"
    subprocess.run(
        [pg_dump, "--format=custom", f"--file={archive}", f"--dbname={url}"],
        check=True,
        timeout=300,
    )
    listing = subprocess.run(
        [pg_restore, "--list", str(archive)], check=True, capture_output=True, text=True
    ).stdout
    assert "TABLE DATA public records_servicerecord" in listing

    # The disaster: the database is gone. It comes back empty, then from the archive.
    _maintenance(url, f'DROP DATABASE "{name}" WITH (FORCE)')
    _maintenance(url, f'CREATE DATABASE "{name}"')
    assert snapshot(url) == {}
    subprocess.run(
        [pg_restore, "--no-owner", "--exit-on-error", f"--dbname={url}", str(archive)],
        check=True,
        timeout=300,
    )

    after = snapshot(url)
    assert sorted(after) == sorted(before)
    changed = {
        table: (before[table], after[table]) for table in before if before[table] != after[table]
    }
    assert not changed, f"not restored as backed up: {changed}"
    assert counts() == counted
    # The schema is the code's: no migration missing after the restore.
    manage("migrate", "--check", "--noinput", env=env)
