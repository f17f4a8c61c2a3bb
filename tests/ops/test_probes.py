"""/healthz and /readyz: no sign-in, JSON, 200 or 503 naming what failed, quick, and
never a secret in the answer. Readiness against a real Redis: tests/ops/test_heartbeats.py."""

import datetime as dt
import json
import time

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from providers.models import ServiceProvider
from records.models import PendingCompliance
from tests.support import spare_port


def body(response) -> dict:
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    return json.loads(response.content)


def test_healthz_answers_without_the_database(client):
    # No database access is allowed in this test: a query would fail it.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert body(response) == {"status": "ok"}


def test_probes_answer_any_host_over_plain_http(client, settings):
    """An orchestrator calls the container's address over HTTP: neither the allowed hosts
    nor the HTTPS redirect stand in its way."""
    settings.ALLOWED_HOSTS = ["portal.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz", HTTP_HOST="10.0.3.7:8000").status_code == 200
    assert client.get("/catalogue/", HTTP_HOST="10.0.3.7:8000").status_code == 400


@pytest.mark.django_db
def test_readyz_is_ready_in_the_embedded_default(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    answer = body(response)
    assert answer["status"] == "ready" and answer["failed"] == []
    assert answer["checks"]["database"] == {"ok": True}
    for name in ("broker", "worker", "beat"):
        assert answer["checks"][name] == {"ok": True, "skipped": "no broker: tasks run in-process"}
    assert answer["checks"]["compliance_lag"]["ok"] is True


@pytest.mark.django_db
def test_readyz_names_an_old_pending_month(client, settings):
    settings.PORTAL_READY_COMPLIANCE_MAX_LAG = 600
    provider = ServiceProvider.objects.get(code="UNON")
    pending = PendingCompliance.objects.create(provider=provider, month=dt.date(2026, 2, 1))
    assert client.get("/readyz").status_code == 200  # just marked
    PendingCompliance.objects.filter(pk=pending.pk).update(
        pending_since=timezone.now() - dt.timedelta(hours=2)
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    answer = body(response)
    assert answer["failed"] == ["compliance_lag"]
    lag = answer["checks"]["compliance_lag"]
    assert lag["pending_months"] == 1 and lag["lag_seconds"] >= 7200 - 5
    assert "waited" in lag["error"]


@pytest.mark.django_db
def test_readyz_names_the_database_when_it_cannot_be_reached(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at db:5432 failed: password s3cret-pw")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    answer = body(response)
    assert answer["failed"] == ["database", "compliance_lag"]
    assert answer["checks"]["database"]["error"] == "cannot be reached (OperationalError)"
    assert "s3cret" not in response.content.decode() and "db:5432" not in response.content.decode()


@pytest.mark.django_db
def test_readyz_names_the_broker_when_its_port_is_closed(client, settings):
    closed = spare_port()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://:broker-s3cret@127.0.0.1:{closed}/15"
    started = time.monotonic()
    response = client.get("/readyz")
    assert time.monotonic() - started < 5, "readiness must answer quickly"
    assert response.status_code == 503
    answer = body(response)
    assert answer["failed"] == ["broker", "worker", "beat"]
    assert answer["checks"]["broker"] == {
        "ok": False,
        "error": "cannot be reached (ConnectionError)",
    }
    assert answer["checks"]["worker"]["error"] == "unknown: the broker cannot be reached"
    assert answer["checks"]["database"] == {"ok": True}
    text = response.content.decode()
    assert "broker-s3cret" not in text and str(closed) not in text


def test_every_response_carries_a_request_id(client):
    response = client.get("/healthz")
    assert len(response["X-Request-ID"]) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="edge-42.a").get("X-Request-ID") == "edge-42.a"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="a b\nInjected: yes")["X-Request-ID"]
    assert forged != "a b\nInjected: yes" and len(forged) == 32


def test_probes_refuse_writes(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405
