"""The API's contract, checked over every operation of the published schema: documented
error answers with the one ``Error`` component, 401 with ``WWW-Authenticate``, unknown
query parameters refused, every list paginated alike, self-contained descriptions, and
the schema and its pages open to anyone."""

import json
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.choices import Role
from accounts.services import grant_role
from clients.models import ClientEntity
from core.api.viewsets import ApiContractMixin
from providers.models import ServiceProvider
from tests.factories import UserFactory

SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
OPERATIONS = [
    (path, method.upper(), operation)
    for path, item in SCHEMA["paths"].items()
    for method, operation in item.items()
    if method in ("get", "post", "put", "patch", "delete")
]
ERROR_REF = "#/components/schemas/Error"
PUBLIC: set[str] = set()  # every operation needs credentials
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
PAGINATED_KEYS = {"count", "next", "previous", "results"}
# Under a list's path but answering one object: the statement the three parameters name.
NOT_LISTS = {"/api/v1/statements/"}


def _ids(cases):
    return [f"{method} {path}" for path, method, _ in cases]


def _list_operations():
    return [
        (path, method, op)
        for path, method, op in OPERATIONS
        if method == "GET" and "{" not in path and op["operationId"].endswith("_list")
    ]


LISTS = _list_operations()


@pytest.fixture
def api(db):
    """Signed in as a user who holds every role: no list stops at a permission."""
    user = UserFactory(username="contract")
    unon = ServiceProvider.objects.get(code="UNON")
    grant_role(user=user, role=Role.CATALOGUE_MANAGER)
    grant_role(user=user, role=Role.MANAGEMENT)
    grant_role(user=user, role=Role.PROVIDER_MANAGER, provider=unon)
    grant_role(
        user=user, role=Role.CLIENT_FOCAL_POINT, client=ClientEntity.objects.get(code="UNEP")
    )
    client = APIClient()
    client.force_login(user)
    return client


def test_the_schema_covers_the_operations_of_the_api():
    assert len(OPERATIONS) > 90
    assert len(LISTS) > 15


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=_ids(OPERATIONS))
def test_every_operation_documents_its_error_answers(path, method, operation):
    expected = {"400", "404", "429", "503"}
    if path not in PUBLIC:
        expected |= {"401", "403"}
    if method in WRITES:
        expected.add("409")
    responses = operation["responses"]
    missing = expected - set(responses)
    assert not missing, f"{method} {path} does not document {sorted(missing)}"
    for code in expected:
        content = responses[code]["content"]["application/json"]["schema"]
        assert content == {"$ref": ERROR_REF}, (code, content)
        assert responses[code]["description"]
    if "401" in expected:
        assert "WWW-Authenticate" in responses["401"]["headers"]


def test_the_error_component_is_published_once_with_its_fields():
    error = SCHEMA["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"message", "errors"}
    assert error["properties"]["message"]["type"] == "string"
    fields = error["properties"]["errors"]
    assert fields["additionalProperties"] == {"type": "array", "items": {"type": "string"}}


def test_descriptions_cite_no_document_that_does_not_ship():
    text = json.dumps(SCHEMA, ensure_ascii=False)
    cited = re.findall(r".{40}(?:DOMAIN|STYLE|§|\.md\b).{10}", text)
    assert not cited, cited


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=_ids(OPERATIONS))
def test_a_detail_path_takes_the_id_or_the_natural_key_as_a_string(path, method, operation):
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path" and parameter["schema"].get("type") == "string":
            assert parameter["schema"]["pattern"]
            assert "id" in parameter["description"]


@pytest.mark.parametrize(("path", "method", "operation"), LISTS, ids=_ids(LISTS))
def test_every_list_is_paginated_alike_in_the_schema(path, method, operation):
    if path in NOT_LISTS:
        pytest.skip("answers one statement, not a list")
    names = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
    assert {"page", "page_size", "format"} <= names
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = SCHEMA["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert set(component["properties"]) >= PAGINATED_KEYS, ref


@pytest.mark.parametrize(("path", "method", "operation"), LISTS, ids=_ids(LISTS))
def test_every_list_answers_pages_and_refuses_an_unknown_query_parameter(
    api, path, method, operation
):
    refused = api.get(path, {"no_such_filter": "x", "search": "x"})
    assert refused.status_code == 400, refused.content
    body = refused.json()
    assert set(body) == {"message", "errors"}
    assert set(body["errors"]) == {"no_such_filter", "search"}
    assert "Unknown query parameter" in body["errors"]["no_such_filter"][0]
    if path in NOT_LISTS:
        return
    answer = api.get(path, {"page_size": "1", "format": "json"})
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert set(data) == PAGINATED_KEYS
    assert len(data["results"]) <= 1


def test_a_detail_refuses_an_unknown_query_parameter_too(api):
    response = api.get("/api/v1/providers/UNON/", {"expand": "all"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["expand"]


def test_search_is_refused_with_the_name_of_the_keyword_filter(api):
    response = api.get("/api/v1/services/", {"search": "travel"})
    assert response.status_code == 400
    assert "Keyword search is q." in response.json()["errors"]["search"][0]
    assert api.get("/api/v1/services/", {"q": "travel"}).status_code == 200


def test_a_page_past_the_last_is_a_404_in_the_error_shape(api):
    response = api.get("/api/v1/areas/", {"page": "999"})
    assert response.status_code == 404
    assert set(response.json()) == {"message", "errors"}


@pytest.mark.django_db
class TestUnauthenticated:
    def test_no_credentials_answer_401_with_how_to_authenticate(self):
        for path in ("/api/v1/providers/", "/api/v1/slas/", "/api/v1/audit/"):
            response = APIClient().get(path)
            assert response.status_code == 401, path
            assert response["WWW-Authenticate"] == 'Bearer realm="api"'
            assert set(response.json()) == {"message", "errors"}

    def test_a_wrong_token_answers_401(self):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
        response = client.get("/api/v1/providers/")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'

    def test_a_signed_in_session_still_needs_its_csrf_token_to_write(self):
        client = APIClient(enforce_csrf_checks=True)
        user = UserFactory()
        grant_role(user=user, role=Role.CATALOGUE_MANAGER)
        client.force_login(user)
        response = client.post("/api/v1/areas/", {"code": "CSRF", "name": "x"}, format="json")
        assert response.status_code == 403
        assert "CSRF" in response.json()["message"]
        assert client.get("/api/v1/areas/").status_code == 200

    def test_a_role_that_may_not_answers_403_not_401(self):
        client = APIClient()
        client.force_login(UserFactory())
        assert client.get("/api/v1/audit/").status_code == 403

    @pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
    def test_the_schema_and_its_pages_are_open_to_anyone(self, path):
        response = APIClient().get(path)
        assert response.status_code == 200


def _api_views(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and (prefix + str(pattern.pattern)).startswith(
            "api/v1/"
        ):
            yield prefix + str(pattern.pattern), pattern.callback


def test_every_api_endpoint_builds_on_the_contract_base_classes():
    outside = sorted(
        {
            f"{route}: {callback.cls.__module__}.{callback.cls.__name__}"
            for route, callback in _api_views()
            if not issubclass(callback.cls, ApiContractMixin)
        }
    )
    assert not outside, (
        "API endpoints that skip the contract (base them on core.api.viewsets: "
        "PortalAPIView, PortalGenericViewSet, PortalModelViewSet, ...):\n" + "\n".join(outside)
    )


def test_building_the_schema_runs_no_query(db):
    """The schema is built on a process's first API request (to know each operation's
    query parameters): it must never run a list's work, such as an analysis, to do so."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        SchemaGenerator().get_schema(request=None, public=True)
    assert [q["sql"] for q in ctx.captured_queries] == []
