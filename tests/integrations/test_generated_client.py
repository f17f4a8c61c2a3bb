"""A client generated from the API's own OpenAPI schema drives an integration from end to
end: if the generator cannot read the schema, or a generated call does not fit what the
API answers, the schema is what is wrong.

The client is generated at test time (openapi-python-client, pinned in
requirements-test.txt) from ``/api/schema/`` into a temporary directory, and talks to the
portal in-process through httpx's WSGI transport, inside the test's transaction; tasks run
eagerly, as without a broker. The scenario uses nothing but the generated code: a provider
manager, signed in, creates a records-write token; the integration pushes records with one
bad row, reads that row's error, the manager asks for the month's compliance, and the
integration reads the results and the month's cost-recovery statement.
"""

import datetime as dt
import importlib
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.core.wsgi import get_wsgi_application
from django.test import Client as DjangoClient

from accounts.choices import Role
from providers.models import ServiceProvider
from tests.factories import user_with_role
from tests.support import session_headers, wsgi_in_test_transaction

pytestmark = [pytest.mark.client, pytest.mark.django_db]

PACKAGE = "portal_client"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")
CONFIG = {
    "package_name_override": PACKAGE,
    "project_name_override": "portal-client",
    "post_hooks": [],
}
# The one thing the generator may skip: the CSV body of the bulk upload (it has no text/csv
# type; the same operation's JSON body is generated).
KNOWN_WARNINGS = {("POST /api/v1/service-records/bulk/", "Unsupported content type text/csv")}
BASE = "http://testserver"


@pytest.fixture
def generated(tmp_path, db):
    """The generated package, imported; removed from the interpreter afterwards."""
    reader = DjangoClient()
    reader.force_login(user_with_role(Role.MANAGEMENT))
    response = reader.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = tmp_path / "schema.json"
    schema.write_bytes(response.content)
    config = tmp_path / "config.json"
    config.write_text(json.dumps(CONFIG))
    result = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(schema), "--config", str(config),
         "--meta", "none", "--output-path", str(tmp_path / PACKAGE)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Error" not in output, output
    assert _warnings(output) <= KNOWN_WARNINGS, output
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _warnings(output: str) -> set[tuple[str, str]]:
    """(operation, reason) of each "WARNING parsing <operation> within <tag>." block."""
    lines = [line.strip() for line in output.splitlines()]
    found = set()
    for index, line in enumerate(lines):
        if line.startswith("WARNING parsing "):
            operation = line.removeprefix("WARNING parsing ").split(" within ")[0]
            reason = next((text for text in lines[index + 1 :] if text), "")
            found.add((operation, reason))
    return found


def _api(package: str, module: str):
    return importlib.import_module(f"{PACKAGE}.api.{package}.{module}")


def test_an_integration_runs_through_the_generated_client(generated):
    from portal_client import AuthenticatedClient, Client
    from portal_client.models import (
        ComputeRequest,
        IntegrationTokenInputRequest,
        ServiceRecordWriteRequest,
        TokenScopeEnum,
    )

    unon = ServiceProvider.objects.get(code="UNON")
    manager = user_with_role(Role.PROVIDER_MANAGER, provider=unon, username="erp-owner")
    transport = httpx.WSGITransport(app=get_wsgi_application())
    with wsgi_in_test_transaction():
        signed_in = Client(
            base_url=BASE, headers=session_headers(manager), httpx_args={"transport": transport}
        )
        # The manager creates a token for UNON's records: shown once.
        created = _api("integration_tokens", "v1_integration_tokens_create").sync_detailed(
            client=signed_in,
            body=IntegrationTokenInputRequest(
                name="UNON ERP",
                scope=TokenScopeEnum.RECORDS_WRITE,
                provider="UNON",
                expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=30),
            ),
        )
        assert created.status_code == 201, created.content
        token = created.parsed
        assert token.token.startswith(token.prefix) and token.active

        integration = AuthenticatedClient(
            base_url=BASE, token=token.token, httpx_args={"transport": transport}
        )
        rows = [
            ServiceRecordWriteRequest(
                external_ref=f"GEN-{n}",
                provider="UNON",
                client="UNEP",
                service=service,
                received_at="2026-02-02T08:00",
                completed_at="2026-02-04T09:00",
            )
            for n, service in enumerate(("CONF-DOC", "CONF-DOC", "NO-SUCH-SERVICE"), 1)
        ]
        pushed = _api("service_records", "v1_service_records_bulk_create").sync_detailed(
            client=integration, body=rows, keep_good_rows=True
        )
        assert pushed.status_code == 200, pushed.content
        report = pushed.parsed
        assert (report.created, report.error_count) == (2, 1)
        (error,) = report.errors
        assert error.line == 3 and error.column == "service", error

        # The same import, read again by its id, tells the same.
        again = _api("service_records", "v1_record_imports_retrieve").sync(
            client=integration, id=report.id
        )
        assert again.error_count == 1

        # The token writes records only: the manager asks for the computation.
        refused = _api("compliance", "v1_compliance_compute_create").sync_detailed(
            client=integration, body=ComputeRequest(provider="UNON", period="2026-02")
        )
        assert refused.status_code == 403
        computed = _api("compliance", "v1_compliance_compute_create").sync_detailed(
            client=signed_in, body=ComputeRequest(provider="UNON", period="2026-02")
        )
        assert computed.status_code == 202, computed.content
        assert computed.parsed.enqueued >= 1

        results = _api("compliance", "v1_compliance_list").sync(
            client=integration, provider="UNON", period="2026-02"
        )
        assert results.count >= 1
        assert {r.provider.code for r in results.results} == {"UNON"}

        statement = _api("cost_recovery", "v1_statements_list").sync(
            client=integration, provider="UNON", client_query="UNEP", period="2026-02"
        )
        assert statement is not None
        assert statement.status.value == "draft"
        assert statement.provider.code == "UNON"
