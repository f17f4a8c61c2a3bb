"""The one mechanism that keeps the API from dropping input: ``StrictInputMixin`` under
every request serializer, the field map that names a nested item's place, and the cases
the schema-wide test (tests/test_api_strict_input.py) does not spell out."""

import datetime as dt

import pytest
from django.http import QueryDict
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIClient

from accounts.choices import Role
from core.api.errors import _as_field_map
from core.api.serializers import MAX_REFUSED_NAMED, InputSerializer, NoInputSerializer
from integrations.models import IntegrationToken
from records.imports.parse import read_json
from records.models import ServiceRecord
from records.services import records_import
from tests.factories import user_with_role
from tests.sla.factories import make_draft, make_people, snapshot


class Target(InputSerializer):
    standard = serializers.CharField()
    threshold = serializers.DecimalField(max_digits=6, decimal_places=2, required=False)
    statement = serializers.CharField(read_only=True)


class Line(InputSerializer):
    service = serializers.CharField()
    targets = Target(many=True, required=False)


class Draft(InputSerializer):
    id = serializers.IntegerField(read_only=True)
    notes = serializers.CharField(required=False)
    lines = Line(many=True, required=False)


def errors_of(serializer_class, data, **kwargs) -> dict[str, list[str]]:
    serializer = serializer_class(data=data, **kwargs)
    assert not serializer.is_valid()
    return _as_field_map(serializer.errors)


class TestRefusals:
    def test_unknown_and_read_only_fields_are_each_named_with_their_reason(self):
        errors = errors_of(Draft, {"notes": "x", "id": 3, "colour": "red", "owner": "me"})
        assert set(errors) == {"id", "colour", "owner"}
        assert errors["id"] == ["Read-only field: the portal sets it; leave it out."]
        assert errors["colour"] == ["Unknown field. Accepted: lines, notes."]

    def test_a_refusal_joins_the_other_field_errors(self):
        errors = errors_of(Draft, {"notes": 12.5j, "lines": "x", "colour": "red"})
        assert set(errors) == {"notes", "lines", "colour"}

    def test_a_valid_body_passes(self):
        serializer = Draft(data={"notes": "x", "lines": [{"service": "S", "targets": []}]})
        assert serializer.is_valid(), serializer.errors

    def test_nested_items_name_their_place(self):
        body = {
            "lines": [
                {"service": "A"},
                {"service": "B", "targets": [{"standard": "M"}, {"standard": "M", "x": 1}]},
                {"service": "C", "targets": [{"standard": "M", "statement": "s"}]},
            ]
        }
        assert errors_of(Draft, body) == {
            "lines": [
                "[1].targets[1].x: Unknown field. Accepted: standard, threshold.",
                "[2].targets[0].statement: Read-only field: the portal sets it; leave it out.",
            ]
        }

    def test_partial_writes_refuse_too(self):
        errors = errors_of(Draft, {"colour": "red"}, partial=True)
        assert list(errors) == ["colour"]

    def test_an_action_without_input_refuses_any_field(self):
        errors = errors_of(NoInputSerializer, {"reason": "x"})
        assert errors == {"reason": ["Unknown field: this operation takes no input."]}
        assert NoInputSerializer(data={}).is_valid()

    def test_many_unknown_fields_are_named_up_to_a_limit(self):
        body = {f"f{n}": n for n in range(MAX_REFUSED_NAMED + 7)}
        errors = errors_of(Draft, body)
        assert len(errors) == MAX_REFUSED_NAMED + 1
        assert errors["non_field_errors"] == ["7 more fields that are unknown or read-only."]

    def test_a_key_no_response_could_carry_is_named_safely(self):
        errors = errors_of(Draft, {"\ud800bad" + "x" * 100: 1})
        (name,) = errors
        assert len(name) == 64
        name.encode("utf-8")  # encodable: the error response can be rendered


class TestFormBodies:
    def form(self, text: str) -> QueryDict:
        return QueryDict(text)

    def test_nested_form_keys_belong_to_their_field(self):
        body = self.form("notes=x&lines[0]service=S&lines[0]targets[0]standard=M")
        serializer = Draft(data=body)
        assert serializer.is_valid(), serializer.errors

    def test_a_form_key_under_a_plain_field_or_nested_unknown_is_refused(self):
        body = self.form("notes.extra=x&lines[0]service=S&lines[0]colour=red")
        assert errors_of(Draft, body) == {
            "notes.extra": ["Unknown field. Accepted: lines, notes."],
            "lines": ["[0].colour: Unknown field. Accepted: service, targets."],
        }

    def test_the_csrf_token_of_a_browser_form_is_no_field(self):
        assert Draft(data=self.form("notes=x&csrfmiddlewaretoken=abc")).is_valid()
        assert "csrfmiddlewaretoken" in errors_of(Draft, {"csrfmiddlewaretoken": "abc"})


@pytest.mark.django_db
class TestThroughTheApi:
    def test_an_sla_put_may_repeat_its_parties_but_not_change_them(self):
        people = make_people()
        sla = make_draft(people)
        api = APIClient()
        api.force_login(people.staff)
        url = f"/api/v1/slas/{sla.pk}/"
        same = api.put(url, {"provider": "UNON", "client": "UNEP", "notes": "Same."}, "json")
        assert same.status_code == 200, same.content
        before = snapshot(sla)
        moved = api.put(url, {"provider": "KJSO", "notes": "Moved."}, format="json")
        assert moved.status_code == 400
        assert moved.json()["errors"] == {"provider": ["cannot change"]}
        assert snapshot(sla) == before

    def test_an_sla_action_without_input_refuses_a_body(self):
        people = make_people()
        sla = make_draft(people)
        api = APIClient()
        api.force_login(people.staff)
        before = snapshot(sla)
        response = api.post(f"/api/v1/slas/{sla.pk}/submit/", {"comment": "x"}, format="json")
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["comment"]
        assert snapshot(sla) == before

    def test_a_token_request_refuses_fields_it_does_not_take(self):
        api = APIClient()
        api.force_login(user_with_role(Role.CATALOGUE_MANAGER, username="tokenuser"))
        expires = (timezone.now() + dt.timedelta(days=30)).isoformat()
        body = {"name": "ERP", "scope": "read_only", "provider": "UNON", "expires_at": expires}
        response = api.post("/api/v1/integration-tokens/", {**body, "key": "x"}, format="json")
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["key"]
        assert not IntegrationToken.objects.exists()
        assert "token" in api.post("/api/v1/integration-tokens/", body, format="json").json()

    def test_a_record_names_each_unknown_and_read_only_field(self):
        row = {
            "external_ref": "K-1",
            "provider": "KJSO",
            "client": "UNAMA",
            "service": "PAY-OFF",
            "received_at": "2026-01-01T10:00",
            "priority": 1,
            "elapsed_working_seconds": 0,
            "url": "x",
        }
        result = records_import(rows=read_json([row]))
        found = [(e.column, e.message) for e in result.errors.order_by("pk")]
        assert found == [
            ("priority", "unknown field"),
            ("elapsed_working_seconds", "read-only field"),
            ("url", "read-only field"),
        ]
        assert not ServiceRecord.objects.exists()

    def test_a_pause_names_its_unknown_field(self):
        pause = {"start": "2026-01-01T11:00", "end": "2026-01-01T12:00", "reason": "x"}
        row = {
            "external_ref": "K-1",
            "provider": "KJSO",
            "client": "UNAMA",
            "service": "PAY-OFF",
            "received_at": "2026-01-01T10:00",
            "completed_at": "2026-01-01T13:00",
            "pauses": [pause],
        }
        result = records_import(rows=read_json([row]))
        found = [(e.column, e.message) for e in result.errors.all()]
        assert found == [("pauses", "pause 1: unknown field 'reason' (give start and end)")]
