"""/api/v1/slas/: drafts with lines and targets, bad input in the one error shape,
scoping, the life-cycle actions, the rendered agreement, filters and query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.choices import Role
from sla.choices import SlaStatus
from sla.models import Sla
from sla.services import sla_amend, sla_approve, sla_create, sla_submit, sla_terminate
from tests.factories import UserFactory, user_with_role
from tests.sla.factories import (
    client,
    days,
    line,
    make_approved,
    make_draft,
    make_people,
    provider,
    sign_both,
    sla_in,
    snapshot,
    table_counts,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/slas/"


@pytest.fixture
def people():
    return make_people()


def api(user=None) -> APIClient:
    client_ = APIClient()
    if user is not None:
        client_.force_login(user)
    return client_


def payload(**overrides) -> dict:
    body = {
        "provider": "UNON",
        "client": "UNEP",
        "start_date": "2031-01-01",
        "end_date": "2031-12-31",
        "notes": "Conference documents for the Environment Assembly.",
        "lines": [
            {
                "service": "CONF-DOC",
                "expected_volume": 1200,
                "targets": [
                    {"standard": "MSS-CONF-DOC-T", "threshold": "8", "target_pct": "95"},
                ],
            },
            {"service": "CONF-MTG", "expected_volume": 12},
        ],
    }
    body.update(overrides)
    return body


def one_line(**values) -> list[dict]:
    item = {"service": "CONF-DOC", "expected_volume": 10}
    item.update(values)
    return [item]


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "errors"}
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], dict)
    for messages in body["errors"].values():
        assert isinstance(messages, list)
        assert all(isinstance(m, str) for m in messages)
    return body


class TestCreate:
    def test_creates_a_draft_with_lines_and_custom_targets(self, people):
        response = api(people.staff).post(URL, payload(), format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["number"] == "SLA-UNON-UNEP-2031-001"
        assert (body["version"], body["status"], body["template_version"]) == (
            1,
            "draft",
            1,
        )
        assert body["provider"]["code"] == "UNON"
        assert body["client"]["code"] == "UNEP"
        assert (body["start_date"], body["end_date"]) == ("2031-01-01", "2031-12-31")
        assert body["url"].endswith(f"/api/v1/slas/{body['id']}/")
        assert body["allowed_actions"] == ["edit", "submit"]
        assert body["supersedes"] is None
        lines = {item["service"]["code"]: item for item in body["lines"]}
        assert set(lines) == {"CONF-DOC", "CONF-MTG"}
        doc = lines["CONF-DOC"]
        assert (doc["expected_volume"], doc["cost_recovery_rate"], doc["currency"]) == (
            1200,
            "114.00",
            "USD",
        )
        targets = {t["standard"]: t for t in doc["targets"]}
        assert set(targets) == {"MSS-CONF-DOC-T", "MSS-CONF-DOC-A"}
        assert targets["MSS-CONF-DOC-T"] | {"id": None} == {
            "id": None,
            "standard": "MSS-CONF-DOC-T",
            "kind": "timeliness",
            "threshold": "8.00",
            "clock": "working_days",
            "target_pct": "95.000",
            "statement": "95% within 8 working days",
        }
        assert targets["MSS-CONF-DOC-A"]["target_pct"] == "98.000"
        assert targets["MSS-CONF-DOC-A"]["threshold"] is None
        assert [t["standard"] for t in lines["CONF-MTG"]["targets"]] == ["MSS-CONF-MTG-T"]
        sla = Sla.objects.get(pk=body["id"])
        assert (sla.created_by, sla.status) == (people.staff, SlaStatus.DRAFT)

    def test_the_client_sees_the_draft_without_actions(self, people):
        created = api(people.staff).post(URL, payload(), format="json").json()
        body = api(people.focal).get(f"{URL}{created['id']}/").json()
        assert body["number"] == created["number"]
        assert body["allowed_actions"] == []

    def test_only_the_providers_people_register(self, people):
        before = table_counts()
        body = assert_error_shape(api(people.focal).post(URL, payload(), format="json"), 400)
        assert body["errors"] == {"provider": ["not yours"]}
        assert table_counts() == before

    def test_anonymous_is_refused(self):
        before = table_counts()
        response = api().post(URL, payload(), format="json")
        assert_error_shape(response, response.status_code)
        assert response.status_code in (401, 403)
        assert table_counts() == before


BAD_INPUT = {
    "missing lines": ({"lines": None}, "lines"),
    "empty lines": ({"lines": []}, "lines"),
    "lines not a list": ({"lines": "CONF-DOC"}, "lines"),
    "line not an object": ({"lines": ["CONF-DOC"]}, "lines"),
    "unknown service": ({"lines": one_line(service="NOPE")}, "lines"),
    "service of another provider": ({"lines": one_line(service="HR-ONB")}, "lines"),
    "service listed twice": (
        {"lines": one_line() + one_line(expected_volume=3)},
        "lines",
    ),
    "weaker threshold": (
        {"lines": one_line(targets=[{"standard": "MSS-CONF-DOC-T", "threshold": "11"}])},
        "targets",
    ),
    "lower share": (
        {"lines": one_line(targets=[{"standard": "MSS-CONF-DOC-A", "target_pct": "97"}])},
        "targets",
    ),
    "other clock": (
        {"lines": one_line(targets=[{"standard": "MSS-CONF-DOC-T", "clock": "hours_24x7"}])},
        "targets",
    ),
    "unknown standard": (
        {"lines": one_line(targets=[{"standard": "MSS-NOPE"}])},
        "targets",
    ),
    "standard of another service": (
        {"lines": one_line(targets=[{"standard": "MSS-HR-ONB-T"}])},
        "targets",
    ),
    "end before start": ({"start_date": "2031-06-01", "end_date": "2031-05-31"}, "end_date"),
    "impossible date": ({"start_date": "2031-02-30"}, "start_date"),
    "date with garbage": ({"end_date": "31/12/2031"}, "end_date"),
    "more than ten years": ({"end_date": "2045-01-01"}, "end_date"),
    "volume not a number": ({"lines": one_line(expected_volume="many")}, "lines"),
    "volume a float": ({"lines": one_line(expected_volume=1.5)}, "lines"),
    "negative volume": ({"lines": one_line(expected_volume=-1)}, "lines"),
    "huge volume": ({"lines": one_line(expected_volume=10**12)}, "lines"),
    "target_pct abc": (
        {"lines": one_line(targets=[{"standard": "MSS-CONF-DOC-T", "target_pct": "abc"}])},
        "lines",
    ),
    "target_pct above 100": (
        {"lines": one_line(targets=[{"standard": "MSS-CONF-DOC-T", "target_pct": "150"}])},
        "lines",
    ),
    "negative threshold": (
        {"lines": one_line(targets=[{"standard": "MSS-CONF-DOC-T", "threshold": "-1"}])},
        "lines",
    ),
    "targets null": ({"lines": one_line(targets=None)}, "lines"),
    "provider not a code": ({"provider": 42}, "provider"),
    "unknown provider": ({"provider": "NOPE"}, "provider"),
    "unknown client": ({"client": "NOPE"}, "client"),
    "huge notes": ({"notes": "x" * 5000}, "notes"),
    "huge service code": ({"lines": one_line(service="X" * 100_000)}, "lines"),
    "huge standard code": (
        {"lines": one_line(targets=[{"standard": "M" * 10_000}])},
        "lines",
    ),
    "huge client code": ({"client": "C" * 100_000}, "client"),
    "too many lines": ({"lines": one_line() * 201}, "lines"),
}


class TestBadInput:
    @pytest.mark.parametrize(("change", "field"), BAD_INPUT.values(), ids=BAD_INPUT.keys())
    def test_answers_400_with_the_field_and_stores_nothing(self, people, change, field):
        body = payload(**change)
        body = {k: v for k, v in body.items() if v is not None}
        before = table_counts()
        response = api(people.staff).post(URL, body, format="json")
        errors = assert_error_shape(response, 400)["errors"]
        assert field in errors, errors
        assert table_counts() == before

    def test_weaker_target_message_names_the_standard(self, people):
        body = payload(lines=one_line(targets=[{"standard": "MSS-CONF-DOC-T", "threshold": "11"}]))
        response = api(people.staff).post(URL, body, format="json")
        message = assert_error_shape(response, 400)["message"]
        assert "MSS-CONF-DOC-T" in message
        assert "never weaker" in message

    def test_overlap_message_names_the_other_sla(self, people):
        first = make_approved(people, start=dt.date(2031, 1, 1), end=dt.date(2031, 12, 31))
        before = table_counts()
        response = api(people.staff).post(URL, payload(), format="json")
        body = assert_error_shape(response, 400)
        assert first.agreement.number in body["message"]
        assert table_counts() == before

    @pytest.mark.parametrize(
        "raw",
        [b"[]", b'"text"', b"{not json", b"null"],
        ids=["list", "string", "broken json", "null"],
    )
    def test_a_body_that_is_not_an_object(self, people, raw):
        before = table_counts()
        response = api(people.staff).post(URL, raw, content_type="application/json")
        assert_error_shape(response, 400)
        assert table_counts() == before

    def test_bad_edit_keeps_the_draft(self, people):
        sla = make_draft(people)
        before = snapshot(sla)
        response = api(people.staff).patch(
            f"{URL}{sla.pk}/",
            {"lines": one_line(targets=[{"standard": "MSS-CONF-DOC-T", "target_pct": "1"}])},
            format="json",
        )
        assert_error_shape(response, 400)
        assert snapshot(sla) == before


class TestEdit:
    def test_patch_changes_a_draft(self, people):
        sla = make_draft(people)
        response = api(people.staff).patch(
            f"{URL}{sla.pk}/",
            {"notes": "Revised.", "lines": one_line(service="FAC-MNT", expected_volume=7)},
            format="json",
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["notes"] == "Revised."
        assert [(ln["service"]["code"], ln["expected_volume"]) for ln in body["lines"]] == [
            ("FAC-MNT", 7)
        ]

    def test_put_replaces_period_and_lines(self, people):
        sla = make_draft(people)
        body = {
            "start_date": "2032-01-01",
            "end_date": "2032-06-30",
            "lines": one_line(service="CONF-VEN", expected_volume=3),
        }
        response = api(people.manager).put(f"{URL}{sla.pk}/", body, format="json")
        assert response.status_code == 200, response.content
        assert (response.json()["start_date"], response.json()["end_date"]) == (
            "2032-01-01",
            "2032-06-30",
        )

    def test_editing_a_submitted_sla_is_forbidden(self, people):
        sla = sla_in("submitted", people)
        before = snapshot(sla)
        response = api(people.staff).patch(f"{URL}{sla.pk}/", {"notes": "x"}, format="json")
        assert_error_shape(response, 403)
        assert snapshot(sla) == before


FORBIDDEN = [
    ("staff", "submitted", "approve", {}),
    ("staff", "submitted", "return", {"comment": "No."}),
    ("staff", "active", "terminate", {"reason": "No."}),
    ("focal", "draft", "submit", {}),
    ("focal", "active", "amend", {}),
    ("manager", "submitted_provider_signed", "approve", {}),
    ("manager", "draft", "approve", {}),
    ("manager", "expired", "terminate", {"reason": "No."}),
    ("management", "submitted", "approve", {}),
    ("catalogue", "active", "terminate", {"reason": "No."}),
    ("catalogue", "draft", "submit", {}),
    ("integration", "draft", "submit", {}),
    ("staff", "superseded", "amend", {}),
    ("focal", "terminated", "terminate", {"reason": "Again."}),
]


class TestForbiddenTransitions:
    @pytest.mark.parametrize(
        ("role", "state", "action", "data"),
        FORBIDDEN,
        ids=[f"{r}-{s}-{a}" for r, s, a, _ in FORBIDDEN],
    )
    def test_answer_403_and_change_nothing(self, people, role, state, action, data):
        sla = sla_in(state, people)
        before = snapshot(sla)
        response = api(people[role]).post(f"{URL}{sla.pk}/{action}/", data, format="json")
        body = assert_error_shape(response, 403)
        assert action in body["message"]
        assert body["errors"] == {"status": [sla.status]}
        assert snapshot(sla) == before


class TestScope:
    @pytest.mark.parametrize("who", ["other_focal", "other_staff"])
    def test_another_organisation_gets_404_and_no_list_entry(self, people, who):
        sla = make_approved(people, start=days(-5), end=days(100))
        before = snapshot(sla)
        client_ = api(people[who])
        assert_error_shape(client_.get(f"{URL}{sla.pk}/"), 404)
        assert_error_shape(client_.get(f"{URL}{sla.pk}/agreement/"), 404)
        assert_error_shape(client_.patch(f"{URL}{sla.pk}/", {"notes": "x"}, format="json"), 404)
        for action in ("submit", "approve", "amend"):
            assert_error_shape(client_.post(f"{URL}{sla.pk}/{action}/"), 404)
        assert_error_shape(
            client_.post(f"{URL}{sla.pk}/terminate/", {"reason": "x"}, format="json"), 404
        )
        assert client_.get(URL).json()["count"] == 0
        assert snapshot(sla) == before

    def test_client_sees_only_its_own_slas(self, people):
        own = make_draft(people)
        make_draft(people, client_code="UN-HABITAT")
        numbers = [r["number"] for r in api(people.focal).get(URL).json()["results"]]
        assert numbers == [own.agreement.number]

    @pytest.mark.parametrize("who", ["management", "catalogue"])
    def test_global_roles_see_every_sla(self, people, who):
        make_draft(people)
        make_draft(people, client_code="UN-HABITAT")
        assert api(people[who]).get(URL).json()["count"] == 2

    def test_user_without_membership_sees_nothing(self, people):
        sla = make_draft(people)
        client_ = api(UserFactory())
        assert client_.get(URL).json()["count"] == 0
        assert client_.get(f"{URL}{sla.pk}/").status_code == 404

    @pytest.mark.parametrize("pk", ["abc", "0", "999999", "-1", "1e3"])
    def test_unknown_ids_are_404(self, people, pk):
        assert_error_shape(api(people.management).get(f"{URL}{pk}/"), 404)


class TestActionsEndToEnd:
    def test_draft_to_amendment_with_different_users(self, people):
        staff, focal, manager = api(people.staff), api(people.focal), api(people.manager)
        start = days(-5).isoformat()
        created = staff.post(URL, payload(start_date=start), format="json")
        assert created.status_code == 201, created.content
        pk = created.json()["id"]

        submitted = staff.post(f"{URL}{pk}/submit/")
        assert submitted.status_code == 200
        assert (submitted.json()["status"], submitted.json()["allowed_actions"]) == (
            "submitted",
            [],
        )

        returned = focal.post(f"{URL}{pk}/return/", {"comment": "Volume?"}, format="json")
        assert returned.status_code == 200
        assert (returned.json()["status"], returned.json()["return_comment"]) == (
            "draft",
            "Volume?",
        )
        edited = staff.patch(f"{URL}{pk}/", {"lines": one_line(expected_volume=900)}, format="json")
        assert edited.status_code == 200
        assert staff.post(f"{URL}{pk}/submit/").status_code == 200

        signed = focal.post(f"{URL}{pk}/approve/")
        assert signed.status_code == 200
        body = signed.json()
        assert body["status"] == "submitted"
        assert body["client_signed_by"] == "unep-focal"
        assert body["client_signed_at"] is not None
        assert body["allowed_actions"] == []

        approved = manager.post(f"{URL}{pk}/approve/")
        assert approved.status_code == 200
        body = approved.json()
        assert body["status"] == "active"
        assert body["provider_signed_by"] == "unon-manager"
        assert body["approved_at"] is not None
        assert body["allowed_actions"] == ["amend", "terminate"]

        amended = staff.post(f"{URL}{pk}/amend/")
        assert amended.status_code == 201, amended.content
        amendment = amended.json()
        assert (amendment["version"], amendment["status"], amendment["supersedes"]) == (
            2,
            "draft",
            pk,
        )
        assert amendment["number"] == body["number"]
        assert [ln["expected_volume"] for ln in amendment["lines"]] == [900]
        new = amendment["id"]
        assert staff.post(f"{URL}{new}/submit/").status_code == 200
        assert manager.post(f"{URL}{new}/approve/").status_code == 200
        assert focal.post(f"{URL}{new}/approve/").json()["status"] == "active"
        assert focal.get(f"{URL}{pk}/").json()["status"] == "superseded"

        ended = focal.post(
            f"{URL}{new}/terminate/",
            {"reason": "The programme moved.", "termination_date": days(3).isoformat()},
            format="json",
        )
        assert ended.status_code == 200, ended.content
        body = ended.json()
        assert (body["status"], body["termination_date"], body["termination_reason"]) == (
            "terminated",
            days(3).isoformat(),
            "The programme moved.",
        )
        assert body["allowed_actions"] == []

    def test_return_needs_a_comment(self, people):
        sla = sla_in("submitted", people)
        response = api(people.focal).post(f"{URL}{sla.pk}/return/", {}, format="json")
        assert "comment" in assert_error_shape(response, 400)["errors"]
        assert Sla.objects.get(pk=sla.pk).status == SlaStatus.SUBMITTED

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({}, "reason"),
            ({"reason": ""}, "reason"),
            ({"reason": "x" * 5000}, "reason"),
            ({"reason": "Ok.", "termination_date": "soon"}, "termination_date"),
            ({"reason": "Ok.", "termination_date": "1999-01-01"}, "termination_date"),
        ],
    )
    def test_terminate_rejects_bad_input(self, people, data, field):
        sla = sla_in("active", people)
        before = snapshot(sla)
        response = api(people.manager).post(f"{URL}{sla.pk}/terminate/", data, format="json")
        assert field in assert_error_shape(response, 400)["errors"]
        assert snapshot(sla) == before


class TestAgreementAction:
    def test_returns_the_sections_filled_in(self, people):
        sla = make_approved(people, start=days(-5), end=days(300), lines=[line("CONF-DOC")])
        response = api(people.focal).get(f"{URL}{sla.pk}/agreement/")
        assert response.status_code == 200
        body = response.json()
        assert (body["number"], body["version"]) == (sla.agreement.number, 1)
        assert len(body["sections"]) == 8
        assert all(set(s) == {"title", "text"} and s["text"] for s in body["sections"])
        text = "\n".join(s["text"] for s in body["sections"])
        assert provider("UNON").name in text
        assert client("UNEP").name in text
        assert "{{" not in text and "{%" not in text
        assert "MSS-CONF-DOC-T" in text


def add_slas(count: int, people) -> None:
    """``count`` SLAs of distinct agreements, each with two lines."""
    for index in range(count):
        start = dt.date(2040 + index, 1, 1)
        make_draft(
            people,
            start=start,
            end=start + dt.timedelta(days=100),
            lines=[line("CONF-DOC"), line("FAC-MNT")],
        )


class TestQueryCount:
    @pytest.mark.parametrize("who", ["management", "staff", "focal"])
    def test_list_runs_the_same_queries_for_2_and_6_slas(self, people, who):
        client_ = api(people[who])

        def measure(expected_rows):
            with CaptureQueriesContext(connection) as queries:
                response = client_.get(URL)
            assert response.status_code == 200
            assert response.json()["count"] == expected_rows
            return len(queries)

        add_slas(2, people)
        small = measure(2)
        add_slas(4, people)
        assert measure(6) == small
        assert small <= 6

    def test_detail_runs_the_same_queries_for_1_and_4_lines(self, people):
        client_ = api(people.manager)
        one = make_draft(people, lines=[line("CONF-DOC")])
        four = make_draft(
            people,
            lines=[line("CONF-DOC"), line("CONF-MTG"), line("FAC-MNT"), line("TRV-OFF")],
            client_code="UN-HABITAT",
        )

        def measure(sla):
            with CaptureQueriesContext(connection) as queries:
                assert client_.get(f"{URL}{sla.pk}/").status_code == 200
            return len(queries)

        assert measure(one) == measure(four)


@pytest.fixture
def catalogue_of_slas(people):
    """Four SLAs over two providers, three clients and several services and states."""
    kjso_staff = people.other_staff
    kjso_manager = user_with_role(Role.PROVIDER_MANAGER, provider=provider("KJSO"))
    unama_focal = user_with_role(Role.CLIENT_FOCAL_POINT, client=client("UNAMA"))
    expiring = make_approved(people, start=days(-100), end=days(20), lines=[line("CONF-DOC")])
    draft = make_draft(
        people, start=days(5), end=days(25), lines=[line("CONF-MTG")], client_code="UN-HABITAT"
    )
    kuwait = sla_create(
        user=kjso_staff,
        provider=provider("KJSO"),
        client=client("UNAMA"),
        start_date=days(-10),
        end_date=days(200),
        lines=[line("PAY-OFF", provider_code="KJSO")],
    )
    sla_submit(sla=kuwait, user=kjso_staff)
    sla_approve(sla=kuwait, user=unama_focal)
    sla_approve(sla=kuwait, user=kjso_manager)
    later = make_approved(
        people, start=days(30), end=days(100), lines=[line("FAC-MNT"), line("CONF-MTG")]
    )
    ended = make_approved(people, start=days(-50), end=days(10), lines=[line("FAC-REG")])
    sla_terminate(sla=ended, user=people.manager, reason="Closed.")
    return {"expiring": expiring, "draft": draft, "kuwait": kuwait, "later": later, "ended": ended}


class TestListFilters:
    @pytest.mark.parametrize(
        ("params", "names"),
        [
            ({}, {"expiring", "draft", "kuwait", "later", "ended"}),
            ({"provider": "UNON"}, {"expiring", "draft", "later", "ended"}),
            ({"provider": "KJSO"}, {"kuwait"}),
            ({"client": "UNAMA"}, {"kuwait"}),
            ({"client": "UN-HABITAT"}, {"draft"}),
            ({"status": "draft"}, {"draft"}),
            ({"status": "active"}, {"expiring", "kuwait"}),
            ({"status": "approved"}, {"later"}),
            ({"status": "terminated"}, {"ended"}),
            ({"service": "CONF-MTG"}, {"draft", "later"}),
            ({"service": "PAY-OFF"}, {"kuwait"}),
            ({"expiring_within": "30"}, {"expiring"}),
            ({"expiring_within": "150"}, {"expiring", "later"}),
            ({"expiring_within": "365"}, {"expiring", "later", "kuwait"}),
            ({"provider": "UNON", "service": "CONF-MTG", "status": "approved"}, {"later"}),
        ],
    )
    def test_filters(self, people, catalogue_of_slas, params, names):
        numbers = {k: v.agreement.number for k, v in catalogue_of_slas.items()}
        body = api(people.management).get(URL, params).json()
        assert {r["number"] for r in body["results"]} == {numbers[n] for n in names}
        assert body["count"] == len(names)

    def test_keyword_search_matches_the_number(self, people, catalogue_of_slas):
        number = catalogue_of_slas["kuwait"].agreement.number
        body = api(people.management).get(URL, {"q": number.lower()}).json()
        assert [r["number"] for r in body["results"]] == [number]

    def test_service_filter_lists_each_sla_once(self, people, catalogue_of_slas):
        body = api(people.management).get(URL, {"service": "FAC-MNT"}).json()
        assert [r["number"] for r in body["results"]] == [
            catalogue_of_slas["later"].agreement.number
        ]
        assert body["results"][0]["line_count"] == 2

    def test_filters_do_not_widen_the_scope(self, people, catalogue_of_slas):
        body = api(people.focal).get(URL, {"provider": "KJSO"}).json()
        assert body["count"] == 0

    @pytest.mark.parametrize(
        ("ordering", "key"),
        [
            ("end_date", lambda s: (s.end_date,)),
            ("-end_date", lambda s: (-s.end_date.toordinal(),)),
            ("start_date", lambda s: (s.start_date,)),
            ("number", lambda s: (s.agreement.number,)),
            ("-number", None),
        ],
    )
    def test_ordering(self, people, catalogue_of_slas, ordering, key):
        slas = list(catalogue_of_slas.values())
        if key is None:
            wanted = sorted((s.agreement.number for s in slas), reverse=True)
        else:
            wanted = [s.agreement.number for s in sorted(slas, key=key)]
        body = api(people.management).get(URL, {"ordering": ordering}).json()
        assert [r["number"] for r in body["results"]] == wanted

    def test_default_order_is_by_number(self, people, catalogue_of_slas):
        body = api(people.management).get(URL).json()
        numbers = [r["number"] for r in body["results"]]
        assert numbers == sorted(numbers)

    def test_list_rows_carry_the_brief_fields(self, people, catalogue_of_slas):
        row = api(people.management).get(URL, {"client": "UNAMA"}).json()["results"][0]
        assert set(row) == {
            "id",
            "url",
            "number",
            "version",
            "status",
            "provider",
            "client",
            "start_date",
            "end_date",
            "line_count",
        }
        assert (row["provider"]["code"], row["client"]["code"], row["line_count"]) == (
            "KJSO",
            "UNAMA",
            1,
        )

    @pytest.mark.parametrize(
        "params",
        [
            {"provider": "NOPE"},
            {"client": "NOPE"},
            {"service": "NOPE"},
            {"status": "bogus"},
            {"expiring_within": "-1"},
            {"expiring_within": "abc"},
            {"expiring_within": "99999"},
        ],
    )
    def test_bad_filter_values_answer_400(self, people, catalogue_of_slas, params):
        assert_error_shape(api(people.management).get(URL, params), 400)

    def test_amendments_are_listed_as_versions(self, people):
        sla = make_approved(people, start=days(-5), end=days(100))
        amendment = sla_amend(sla=sla, user=people.staff)
        sla_submit(sla=amendment, user=people.staff)
        sign_both(amendment, people)
        rows = api(people.management).get(URL).json()["results"]
        assert [(r["number"], r["version"], r["status"]) for r in rows] == [
            (sla.agreement.number, 2, "active"),
            (sla.agreement.number, 1, "superseded"),
        ]
