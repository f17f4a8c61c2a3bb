"""Never drop input silently: every writable operation of the API refuses a body field it
does not take (unknown) and one it only reads (read-only), with a 400 in the one error
shape naming each such field, and stores nothing.

The operations are those of the API's own OpenAPI schema (every POST, PUT and PATCH, the
actions that take no body included), so that a new endpoint is covered the day it is
added. Each is called by a user allowed to write there (one holding every role), on an
object of the world below, with a body built from what a read of that object shows,
shaped by the operation's request schema; the read-only fields are those of its response
schema that its request schema does not take. A body is refused as a whole: its unknown
field at the top, inside each nested object the request schema describes (SLA lines and
their targets, a campaign's offerings, a record's pauses), in each item of a list body,
as a form field, or as a CSV column.

Each call runs in a savepoint rolled back afterwards. Before the refused calls, the same
body without the extra field is tried ("the control"): when it is accepted, the refusal
must name nothing but the extra fields.
"""

import copy
import csv
import datetime as dt
import io
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.db import transaction
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.choices import Role
from accounts.services import grant_role
from catalogue.models import Offering
from clients.models import ClientEntity
from compliance.engine import compute_provider_month
from core.models import AuditEntry
from providers.models import ServiceProvider
from surveys.services import AnswerInput, answer_submit, campaign_create, campaign_open
from tests.factories import UserFactory, user_with_role
from tests.integrations.factories import issue_token
from tests.records.factories import import_csv
from tests.sla.factories import line, sla_approve, sla_create, sla_submit
from tests.webhooks.factories import DeliveryFactory, SubscriptionFactory

SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
WRITES = ("post", "put", "patch")
OPERATIONS = sorted(
    (method.upper(), path)
    for path, operations in SCHEMA["paths"].items()
    for method in operations
    if method in WRITES
)
UNKNOWN = "zz_unknown_field"
ROOT = Path(__file__).resolve().parent.parent
# A refused import keeps its report (DOMAIN §4: the rows are what is never stored).
IMPORT_REPORT = {"records.recordimport", "records.recordimporterror"}


# --- the world ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Objects in every state a write needs, built once in a transaction rolled back after
    the module; the writer holds every role."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


def _build_world():
    unon = ServiceProvider.objects.get(code="UNON")
    unep = ClientEntity.objects.get(code="UNEP")
    writer = UserFactory(username="writer")
    for role, org in (
        (Role.CATALOGUE_MANAGER, {}),
        (Role.MANAGEMENT, {}),
        (Role.PROVIDER_STAFF, {"provider": unon}),
        (Role.PROVIDER_MANAGER, {"provider": unon}),
        (Role.CLIENT_FOCAL_POINT, {"client": unep}),
    ):
        grant_role(user=writer, role=role, **org)
    focal = user_with_role(Role.CLIENT_FOCAL_POINT, client=unep)
    manager = user_with_role(Role.PROVIDER_MANAGER, provider=unon)
    import_csv(
        "N-1,UNON,UNEP,CONF-DOC,2026-02-02T08:00,2026-02-03T09:00,,"
        "2026-02-02T10:00/2026-02-02T11:00,false\n"
    )
    compute_provider_month(
        provider_id=unon.pk, month=dt.date(2026, 2, 1), now=dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    )
    today = timezone.localdate()
    for start, state in (
        (dt.date(2030, 1, 1), "draft"),
        (dt.date(2032, 1, 1), "submitted"),
        (today - dt.timedelta(days=30), "approved"),
    ):
        sla = sla_create(
            user=writer,
            provider=unon,
            client=unep,
            start_date=start,
            end_date=start + dt.timedelta(days=300),
            lines=[line("CONF-DOC")],
        )
        if state != "draft":
            sla_submit(sla=sla, user=writer)
        if state == "approved":
            sla_approve(sla=sla, user=focal)
            sla_approve(sla=sla, user=manager)
    offering = Offering.objects.select_related("provider__duty_station").get(
        provider=unon, service__code="CONF-DOC"
    )
    campaigns = [
        campaign_create(
            user=writer,
            name=name,
            opens_on=today - dt.timedelta(days=10),
            closes_on=today + dt.timedelta(days=60),
            offerings=[offering],
            clients=[unep],
        )
        for name in ("Open", "Draft")
    ]
    campaign = campaign_open(campaign=campaigns[0], user=writer)
    from capacities.models import SupportCapacity
    from catalogue.models import FunctionalArea
    from core.models import DutyStation

    SupportCapacity.objects.create(
        client=unep,
        duty_station=DutyStation.objects.get(code="NBO"),
        area=FunctionalArea.objects.get(code="HR"),
        posts=3,
    )
    answer_submit(
        user=writer, campaign=campaign, offering=offering, data=AnswerInput(4, 4, 4, 4, 4, "")
    )
    issue_token(user=writer, provider=unon)
    hook = SubscriptionFactory(provider=unon, url="https://127.0.0.1:8443/hooks")
    DeliveryFactory(subscription=hook, status="failed")
    return writer


@pytest.fixture
def api(world, db) -> APIClient:
    client = APIClient()
    client.force_login(world)
    return client


# --- the schema --------------------------------------------------------------------------


def resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return resolve(schema["allOf"][0])
    return schema


def request_schema(method: str, path: str, content: str = "application/json") -> dict | None:
    body = SCHEMA["paths"][path][method.lower()].get("requestBody")
    if body is None:
        return None
    return resolve(body["content"].get(content, {}).get("schema", {}))


def content_types(method: str, path: str) -> list[str]:
    body = SCHEMA["paths"][path][method.lower()].get("requestBody")
    return list(body["content"]) if body else []


def properties(schema: dict | None) -> dict:
    schema = resolve(schema or {})
    if schema.get("type") == "array":
        schema = resolve(schema["items"])
    return schema.get("properties", {})


def response_properties(method: str, path: str) -> dict:
    found = {}
    for code, response in SCHEMA["paths"][path][method.lower()]["responses"].items():
        if code.startswith("2"):
            media = response.get("content", {}).get("application/json", {})
            found.update(properties(media.get("schema")))
    return found


def example(schema: dict):
    """A value of the type ``schema`` asks for (what a required field missing from the
    read gets)."""
    schema = resolve(schema)
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return example(schema[key][0])
    if "enum" in schema:
        return schema["enum"][0]
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "object" or "properties" in schema:
        required = schema.get("required", [])
        return {k: example(v) for k, v in schema.get("properties", {}).items() if k in required}
    if kind == "array":
        return [example(schema["items"])] * schema.get("minItems", 0)
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number" or fmt == "decimal":
        return "1"
    if kind == "boolean":
        return False
    if fmt == "date":
        return timezone.localdate().isoformat()
    if fmt == "date-time":
        return timezone.now().isoformat()
    return "x"


def shaped(schema: dict, value):
    """``value`` as read, reduced to what the request ``schema`` takes: read-only parts
    left out, a related object read as ``{id, code, display}`` written as its code."""
    schema = resolve(schema)
    if value is None:
        return None
    if "properties" in schema:
        if not isinstance(value, dict):
            return example(schema)
        body = {}
        for name, prop in schema["properties"].items():
            if name in value and not (value[name] is None and not resolve(prop).get("nullable")):
                body[name] = shaped(prop, value[name])
            elif name in schema.get("required", []):
                body[name] = example(prop)
        return body
    if schema.get("type") == "array":
        if not isinstance(value, list):
            return example(schema)
        return [shaped(schema["items"], item) for item in value]
    if isinstance(value, dict) and schema.get("type") in ("string", "integer"):
        return value.get("code", value.get("id"))
    return value


def nested_places(schema: dict, body, place=(), depth=0):
    """Where in ``body`` the request ``schema`` describes a nested object, as key paths
    (an empty list gets an example item so that there is one)."""
    schema = resolve(schema)
    if depth > 3:
        return
    if schema.get("type") == "array" and isinstance(body, list):
        item = resolve(schema["items"])
        if "properties" in item:
            if not body:
                body.append(example(item))
            if place:
                yield (*place, 0)
            yield from nested_places(item, body[0], (*place, 0), depth + 1)
    elif "properties" in schema and isinstance(body, dict):
        for name, prop in schema["properties"].items():
            if resolve(prop).get("type") == "array" and "properties" in resolve(
                resolve(prop).get("items", {})
            ):
                body.setdefault(name, [])
                yield from nested_places(prop, body[name], (*place, name), depth + 1)


# --- calling -----------------------------------------------------------------------------


def results(api: APIClient, path: str) -> list[dict]:
    response = api.get(path, {"page_size": 20})
    if response.status_code != 200:
        return []
    data = response.json()
    return data.get("results", []) if isinstance(data, dict) else data


def read_sources(api: APIClient, path: str) -> list[tuple[str, dict | None]]:
    """(url, what a read shows) for each object the operation may be called on: every
    object of the collection for a detail path, else the collection's first object (or
    its parent's, for an action on the collection), or nothing."""
    if "{id}" in path:
        collection = path.split("{id}")[0]
        return [
            (path.replace("{id}", str(item["id"])), _read(api, collection, item))
            for item in results(api, collection)
            if "id" in item
        ]
    for collection in (path, path.rsplit("/", 2)[0] + "/"):
        if "get" in SCHEMA["paths"].get(collection, {}):
            found = results(api, collection)
            if found:
                return [(path, _read(api, collection, found[0]))]
    return [(path, None)]


def _read(api: APIClient, collection: str, item: dict) -> dict:
    """An object as its detail read shows it (a list may show less)."""
    if "id" in item and "get" in SCHEMA["paths"].get(f"{collection}{{id}}/", {}):
        return api.get(f"{collection}{item['id']}/").json()
    return item


def base_body(method: str, path: str, read: dict | None):
    schema = request_schema(method, path)
    if schema is None or method == "PATCH":
        return {}
    if schema.get("type") == "array":
        return [shaped(schema["items"], read) if read else example(schema["items"])]
    return shaped(schema, read) if read else example(schema)


def send(api: APIClient, method: str, url: str, body, content: str = "application/json"):
    """The response to one call, in a savepoint rolled back afterwards, and whether the
    data stayed as it was."""
    with transaction.atomic():
        before = stored(api, url)
        if content == "text/csv":
            response = api.generic(method, url, body, content_type=content)
        else:
            fmt = {"multipart/form-data": "multipart"}.get(content, "json")
            if content == "application/x-www-form-urlencoded":
                response = api.generic(method, url, urlencode(body), content_type=content)
            else:
                response = getattr(api, method.lower())(url, body, format=fmt)
        unchanged = stored(api, url) == before
        transaction.set_rollback(True)
    assert response.status_code < 500, response.content
    return response, unchanged


def stored(api: APIClient, url: str) -> dict:
    """The rows of every model of the portal (an import's report aside) and what a read of
    the object shows."""
    counts = {}
    for model in apps.get_models():
        config = apps.get_app_config(model._meta.app_label)
        ours = Path(config.path).resolve().parent == ROOT
        if ours and model._meta.label_lower not in {*IMPORT_REPORT, "core.auditentry"}:
            counts[model._meta.label_lower] = model._default_manager.count()
    counts["audit"] = AuditEntry.objects.exclude(model__in=IMPORT_REPORT).count()
    detail = re.match(r"^.*?/\d+/", url)
    return {"counts": counts, "read": api.get(detail.group()).content if detail else None}


def names(errors: dict, field: str) -> bool:
    """Whether the field map names ``field``: as a key, a part of one (``1.id``), or the
    place of a message (``[0].targets[0].id: ...``, ``... field 'id' ...``)."""
    for key, messages in errors.items():
        if field in re.split(r"[.\[\]]", key):
            return True
        for message in messages:
            if re.search(rf"(^|[.\]]){re.escape(field)}:", message) or f"'{field}'" in message:
                return True
    return False


def refused(response, fields, *, alone: bool) -> list[str]:
    """What is wrong with the answer to a body carrying ``fields`` it must refuse."""
    if response.status_code != 400:
        return [f"answered {response.status_code}, not 400: {response.content[:300]!r}"]
    body = response.json()
    if set(body) - {"import"} != {"message", "errors"}:
        return [f"not the one error shape: {body}"]
    errors = body["errors"]
    problems = [f"{field} not named in {errors}" for field in fields if not names(errors, field)]
    if alone:  # the same body without them was accepted: nothing else may be refused
        others = {
            key: messages
            for key, messages in errors.items()
            if not any(names({key: messages}, field) for field in fields)
        }
        if others:
            problems.append(f"refused more than {sorted(fields)}: {others}")
    return problems


def with_field(body, place, key, value):
    """A copy of ``body`` with ``key`` set in the object at ``place`` (a key path from the
    top; the top of a list body is each of its items)."""
    body = copy.deepcopy(body)
    targets = body if isinstance(body, list) and not place else [body]
    for target in targets:
        for step in place:
            target = target[step]
        target[key] = value
    return body


# --- the tests ---------------------------------------------------------------------------


def choose(api: APIClient, method: str, path: str):
    """(url, what a read shows, base body, whether the base body alone is accepted): the
    first object on which the base body is accepted, else the first object."""
    candidates = []
    for url, read in read_sources(api, path)[:20]:
        body = base_body(method, path, read)
        response, _ = send(api, method, url, body)
        candidates.append((url, read, body, 200 <= response.status_code < 300))
        if candidates[-1][3]:
            return candidates[-1]
    assert candidates, f"no object to call {method} {path} on: add one to the world"
    return candidates[0]


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_write_refuses_unknown_and_read_only_fields(api, method, path):
    url, read, body, accepted = choose(api, method, path)
    schema = request_schema(method, path)
    taken = set(properties(schema))
    read_only = {
        name: (read or {}).get(name, example(prop))
        for name, prop in response_properties(method, path).items()
        if name not in taken
    }
    variants = {"unknown field": with_field(body, (), UNKNOWN, "x")}
    if read_only:
        variants["read-only fields"] = body
        for name, value in read_only.items():
            variants["read-only fields"] = with_field(variants["read-only fields"], (), name, value)
    as_read = copy.deepcopy(body)
    for place in nested_places(schema or {}, body):
        variants[f"unknown field in {place}"] = with_field(body, place, UNKNOWN, "x")
    problems = []
    for label, variant in variants.items():
        fields = read_only if label == "read-only fields" else [UNKNOWN]
        # A nested object made up for the test may be refused for its own values too.
        alone = accepted and (body == as_read or not label.startswith("unknown field in"))
        response, unchanged = send(api, method, url, variant)
        problems += [f"{label}: {p}" for p in refused(response, fields, alone=alone)]
        if not unchanged:
            problems.append(f"{label}: something was stored")
    assert not problems, f"{method} {url}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize(
    ("method", "path", "content"),
    [(m, p, c) for m, p in OPERATIONS for c in content_types(m, p) if c != "application/json"],
    ids=lambda value: value,
)
def test_other_bodies_refuse_unknown_fields_too(api, method, path, content):
    """Form and multipart bodies name an unknown field like JSON ones; a CSV body names
    an unknown column, and a read-only one."""
    url, _, body, _ = choose(api, method, path)
    if content == "text/csv":
        item = body[0] if isinstance(body, list) else body
        columns = list(properties(request_schema(method, path)))
        row = {k: v for k, v in item.items() if not isinstance(v, (list, dict))}
        for extra in (UNKNOWN, "id"):
            text = io.StringIO()
            writer = csv.DictWriter(text, [*columns, extra])
            writer.writeheader()
            writer.writerow({**row, extra: "1"})
            response, unchanged = send(api, method, url, text.getvalue().encode(), content)
            assert refused(response, [extra], alone=False) == [], extra
            assert unchanged
        return
    flat = {k: v for k, v in (body or {}).items() if isinstance(v, (str, int, bool))}
    response, unchanged = send(api, method, url, {**flat, UNKNOWN: "x"}, content)
    assert refused(response, [UNKNOWN], alone=False) == []
    assert unchanged


@pytest.mark.parametrize(
    ("method", "path"),
    [(m, p) for m, p in OPERATIONS if m in ("PUT", "PATCH")],
    ids=lambda value: value,
)
def test_a_write_takes_back_what_a_read_shows(api, method, path):
    """What a GET returns (its writable part), a PUT accepts; a PATCH of nothing too."""
    url, _, body, accepted = choose(api, method, path)
    assert accepted, f"{method} {url} refused {body}"
