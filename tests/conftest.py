"""Fixtures and service detection shared by the whole suite.

Tests marked ``redis``/``worker`` need a reachable Redis and ``browser`` needs
Debian's Chromium. Without them they are skipped, except when
``PORTAL_REQUIRE_SERVICES=1`` (CI), where a missing service fails the run.
"""

import os
import socket
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.core.management import call_command

REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"
CHROMIUM = Path("/usr/bin/chromium")
REDIS_URL = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/9"


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def pytest_collection_modifyitems(config, items):
    if REQUIRE_SERVICES:
        return  # CI: run everything; a missing service makes its tests fail.
    missing = {}
    if not _reachable(REDIS_URL):
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


@pytest.fixture
def redis_url() -> str:
    return REDIS_URL
