"""Fixtures and service detection shared by the whole suite.

Tests marked ``redis``/``worker`` need a reachable Redis and ``browser`` needs
Debian's Chromium. Without them they are skipped, except when
``PORTAL_REQUIRE_SERVICES=1`` (CI), where a missing service fails the run.
"""

import os

import pytest
from django.core.management import call_command

from tests.support import (
    CHROMIUM,
    REDIS_URL,
    REQUIRE_SERVICES,
    WorkerPool,
    database_url_of_tests,
    ensure_reference_data,
    reachable,
)


def pytest_collection_modifyitems(config, items):
    if REQUIRE_SERVICES:
        return  # CI: run everything; a missing service makes its tests fail.
    missing = {}
    if not reachable(REDIS_URL):
        missing["redis"] = missing["worker"] = f"Redis not reachable at {REDIS_URL}"
    if not CHROMIUM.exists():
        missing["browser"] = "no /usr/bin/chromium (apt-get install chromium)"
    for item in items:
        for marker, reason in missing.items():
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real reference data once for the whole session."""
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        call_command("load_sla_template", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files (imports) go to a temporary directory, never to the project's media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def redis_url() -> str:
    return REDIS_URL


@pytest.fixture
def celery_worker_process(redis_url):
    """A real worker consuming from Redis, for tasks that need no database."""
    with WorkerPool(redis_url, database_url=None) as pool:
        yield pool.spawn()


@pytest.fixture
def celery_db_workers(transactional_db, redis_url):
    """Real workers that see the test database (committed data only: transactional tests):
    ``pool.spawn(**env)`` starts one more. Needs PostgreSQL, since a worker process
    cannot share SQLite's in-memory test database."""
    from django.db import connection

    if connection.vendor != "postgresql":
        if REQUIRE_SERVICES:
            pytest.fail("worker tests need DATABASE_URL on PostgreSQL")
        pytest.skip("worker tests with the database need DATABASE_URL on PostgreSQL")
    ensure_reference_data()
    with WorkerPool(redis_url, database_url=database_url_of_tests()) as pool:
        yield pool


@pytest.fixture
def celery_db_worker(celery_db_workers):
    """One real worker on the test database."""
    return celery_db_workers.spawn()


@pytest.fixture(autouse=True)
def webhook_names_stay_local(monkeypatch):
    """A webhook's host name is never looked up in the machine's DNS during tests (the API
    fuzzing makes up URLs): address literals and localhost resolve as usual, any other
    name does not resolve (tests that need one stand in for ``webhooks.safety.lookup``)."""
    import ipaddress
    import socket

    from webhooks import safety

    real = safety.lookup

    def local_only(host, port):
        try:
            ipaddress.ip_address(str(host).strip("[]"))
        except ValueError:
            if host != "localhost":
                raise socket.gaierror(socket.EAI_NONAME, "not looked up in tests") from None
        return real(host, port)

    monkeypatch.setattr(safety, "lookup", local_only)
