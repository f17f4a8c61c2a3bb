"""A statement's life cycle through the API and the pages: served as DOMAIN §10 shapes it,
issued by the provider's managers once the month is over (never twice, never with records
that have no rate, never empty), acknowledged or disputed with a comment by the client's
focal points, each step told to the other party once; scoped like every other object;
bad input refused with the one error shape, nothing stored."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from openpyxl import load_workbook
from rest_framework.test import APIClient

from accounts.choices import Role
from accounts.models import Notification
from clients.models import ClientEntity
from core.exceptions import ApplicationError
from cost_recovery.models import Statement, StatementLine
from cost_recovery.services import statement_issue
from providers.models import ServiceProvider
from tests.cost_recovery.factories import JANUARY_ROWS, kjso_unama_rates
from tests.factories import user_with_role
from tests.records.factories import import_csv

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)
QUERY = {"provider": "KJSO", "client": "UNAMA", "period": "2026-01"}
PAGE = "/cost-recovery/statements/KJSO/UNAMA/2026-01/"


@pytest.fixture
def world():
    kjso = ServiceProvider.objects.select_related("duty_station").get(code="KJSO")
    unama = ClientEntity.objects.get(code="UNAMA")
    kjso_unama_rates()
    assert import_csv(JANUARY_ROWS).status == "done"

    def person(name, role, **org):
        return user_with_role(role, username=name, email=f"{name}@un.example", **org)

    return {
        "kjso": kjso,
        "unama": unama,
        "manager": person("kjso-manager", Role.PROVIDER_MANAGER, provider=kjso),
        "staff": person("kjso-staff", Role.PROVIDER_STAFF, provider=kjso),
        "focal": person("unama-focal", Role.CLIENT_FOCAL_POINT, client=unama),
        "other_focal": person(
            "unep-focal", Role.CLIENT_FOCAL_POINT, client=ClientEntity.objects.get(code="UNEP")
        ),
        "management": person("management", Role.MANAGEMENT),
    }


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def issue(world):
    return statement_issue(
        user=world["manager"], provider=world["kjso"], client=world["unama"], month=JAN
    )


class TestApiShape:
    def test_a_draft_as_domain_10_shapes_it(self, world):
        body = api_for(world["focal"]).get("/api/v1/statements/", QUERY).json()
        assert set(body) >= {"provider", "client", "period", "currency", "lines", "total", "status"}
        assert body["provider"]["code"] == "KJSO" and body["client"]["code"] == "UNAMA"
        assert (body["period"], body["currency"], body["status"]) == ("2026-01", "USD", "draft")
        assert [
            (
                line["service"]["code"],
                line["quantity"],
                line["rate"],
                line["amount"],
                line["adjusts"],
            )
            for line in body["lines"]
        ] == [
            ("PAY-OFF", 2, "24.20", "48.40", None),
            ("PAY-OFF", 1, "25.125", "25.13", None),
            ("TRV-OFF", 2, "30.80", "61.60", None),
        ]
        assert body["total"] == "135.13"
        assert body["issued_at"] is None and body["unpriced_records"] == []

    def test_an_issued_statement_says_so(self, world):
        issue(world)
        body = api_for(world["management"]).get("/api/v1/statements/", QUERY).json()
        assert (body["status"], body["total"]) == ("issued", "135.13")
        assert body["issued_at"]

    def test_an_empty_month_is_an_empty_draft(self, world):
        body = (
            api_for(world["focal"])
            .get("/api/v1/statements/", {**QUERY, "period": "2025-06"})
            .json()
        )
        assert (body["lines"], body["total"], body["status"]) == ([], "0.00", "draft")

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ({}, "provider"),
            ({**QUERY, "period": "2026-13"}, "period"),
            ({**QUERY, "period": "26-01"}, "period"),
            ({**QUERY, "period": "1800-01"}, "period"),
            ({**QUERY, "period": "2099-01"}, "period"),  # has not begun
            ({**QUERY, "provider": "NOPE"}, "provider"),
            ({**QUERY, "client": "UN\x00AMA"}, "client"),
            ({**QUERY, "client": "X" * 500}, "client"),
        ],
    )
    def test_bad_queries_are_a_400_naming_the_field(self, world, query, field):
        response = api_for(world["management"]).get("/api/v1/statements/", query)
        assert response.status_code == 400
        assert field in response.json()["errors"], response.json()

    def test_another_clients_or_providers_people_get_a_404(self, world):
        kabul_outsiders = (
            world["other_focal"],
            user_with_role(Role.PROVIDER_STAFF, provider=ServiceProvider.objects.get(code="UNON")),
        )
        for user in kabul_outsiders:
            response = api_for(user).get("/api/v1/statements/", QUERY)
            assert response.status_code == 404
            assert response.json() == {"message": "No such statement.", "errors": {}}


class TestIssue:
    def test_the_manager_issues_and_the_focal_points_are_told_once(
        self, world, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = api_for(world["manager"]).post("/api/v1/statements/issue/", QUERY)
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == "issued"
        statement = Statement.objects.get(provider=world["kjso"], month=JAN)
        assert (statement.total, statement.issued_by) == (Decimal("135.13"), world["manager"])
        notes = Notification.objects.filter(verb="statement.issued")
        assert [n.user.username for n in notes] == ["unama-focal"]
        assert notes[0].url == PAGE
        assert [m.to for m in mail.outbox] == [["unama-focal@un.example"]]
        assert "135.13 USD" in mail.outbox[0].body

    @pytest.mark.parametrize("user", ["staff", "focal", "management"])
    def test_only_the_providers_managers_issue(self, world, user):
        response = api_for(world[user]).post("/api/v1/statements/issue/", QUERY)
        assert response.status_code == 403
        assert not Statement.objects.exists()

    def test_refused_twice_before_the_month_ends_with_records_without_a_rate_or_empty(self, world):
        issue(world)
        with pytest.raises(ApplicationError, match="was issued on"):
            issue(world)
        kjso, unama, manager = world["kjso"], world["unama"], world["manager"]
        this_month = dt.date.today().replace(day=1)
        with pytest.raises(ApplicationError, match="is not over yet"):
            statement_issue(user=manager, provider=kjso, client=unama, month=this_month)
        with pytest.raises(ApplicationError, match="Nothing to bill UNAMA"):
            statement_issue(user=manager, provider=kjso, client=unama, month=dt.date(2025, 6, 1))
        kjso.offerings.get(service__code="TRV-OFF").rates.update(valid_from=dt.date(2026, 2, 1))
        # January is issued: any later statement carries its adjustments, and January's
        # TRV-OFF records have no rate any more.
        with pytest.raises(ApplicationError, match=r"TRV-OFF 2026-01: 2 record\(s\)"):
            statement_issue(user=manager, provider=kjso, client=unama, month=dt.date(2025, 12, 1))
        assert Statement.objects.count() == 1

    def test_records_without_a_rate_block_the_issue_and_show_on_the_draft(self, world):
        world["kjso"].offerings.get(service__code="TRV-OFF").rates.update(
            valid_from=dt.date(2026, 1, 6)
        )
        feb = {**QUERY, "period": "2026-01"}
        body = api_for(world["manager"]).get("/api/v1/statements/", feb).json()
        assert body["unpriced_records"] == [
            {"service": "TRV-OFF", "period": "2026-01", "records": 1}
        ]
        response = api_for(world["manager"]).post("/api/v1/statements/issue/", feb)
        assert response.status_code == 400
        assert "without a rate" in response.json()["message"]
        assert not Statement.objects.exists()

    def test_fields_it_does_not_take_are_refused(self, world):
        response = api_for(world["manager"]).post(
            "/api/v1/statements/issue/", {**QUERY, "total": "1.00"}, format="json"
        )
        assert response.status_code == 400
        assert "total" in response.json()["errors"]
        assert not Statement.objects.exists()


class TestAnswer:
    def test_the_focal_point_disputes_with_a_comment_and_the_managers_are_told(
        self, world, django_capture_on_commit_callbacks
    ):
        issue(world)
        api = api_for(world["focal"])
        response = api.post("/api/v1/statements/dispute/", QUERY, format="json")
        assert response.status_code == 400
        assert response.json()["errors"] == {"comment": ["required"]}
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(
                "/api/v1/statements/dispute/",
                {**QUERY, "comment": "W-T1 was redone at KJSO's cost."},
                format="json",
            )
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == "disputed"
        statement = Statement.objects.get()
        assert (statement.status, statement.answered_by) == ("disputed", world["focal"])
        assert statement.comment == "W-T1 was redone at KJSO's cost."
        notes = Notification.objects.filter(verb="statement.disputed")
        assert [n.user.username for n in notes] == ["kjso-manager"]
        assert "W-T1 was redone" in mail.outbox[-1].body
        # Answered once: neither a second dispute nor an acknowledgement now.
        response = api.post("/api/v1/statements/acknowledge/", QUERY, format="json")
        assert response.status_code == 400
        assert Statement.objects.get().status == "disputed"

    def test_acknowledge_needs_an_issued_statement_and_the_clients_focal_point(self, world):
        response = api_for(world["focal"]).post("/api/v1/statements/acknowledge/", QUERY)
        assert response.status_code == 400
        assert response.json()["errors"] == {"period": ["not issued"]}
        issue(world)
        assert (
            api_for(world["manager"]).post("/api/v1/statements/acknowledge/", QUERY).status_code
            == 403
        )
        assert (
            api_for(world["other_focal"]).post("/api/v1/statements/acknowledge/", QUERY).status_code
            == 404
        )
        response = api_for(world["focal"]).post(
            "/api/v1/statements/acknowledge/", {**QUERY, "comment": "x" * 4001}, format="json"
        )
        assert response.status_code == 400 and "comment" in response.json()["errors"]
        assert (
            api_for(world["focal"]).post("/api/v1/statements/acknowledge/", QUERY).status_code
            == 200
        )
        assert Statement.objects.get().status == "acknowledged"


class TestPages:
    def test_the_draft_page_the_print_and_the_downloads(self, client, world):
        client.force_login(world["focal"])
        page = client.get(PAGE).content.decode()
        assert "DRAFT" in page and "135.13" in page and "25.125" in page
        assert "1 defective delivery not charged" in page
        response = client.get(PAGE, {"export": "csv"})
        rows = list(
            csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
        )
        assert rows[0][:5] == ["provider", "client", "period", "status", "Service"]
        assert rows[-1][4] == "Total" and rows[-1][7] == "135.13"
        assert rows[2][4:8] == ["PAY-OFF", "25.125", "1", "25.13"]
        response = client.get(PAGE, {"export": "xlsx"})
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = list(sheet.iter_rows(values_only=True))
        assert values[-1][7] == Decimal("135.13") or float(values[-1][7]) == 135.13
        assert client.get(PAGE, {"export": "pdf"}).status_code == 404

    def test_the_manager_issues_from_the_page_and_the_focal_point_disputes(self, client, world):
        client.force_login(world["manager"])
        assert "Issue the statement" in client.get(PAGE).content.decode()
        response = client.post(PAGE + "issue/")
        assert response.status_code == 302
        assert Statement.objects.get().status == "issued"
        client.force_login(world["focal"])
        response = client.post(PAGE + "dispute/", {"comment": "  "})
        assert response.status_code == 400
        assert "Say what you dispute" in response.content.decode()
        assert Statement.objects.get().status == "issued"
        response = client.post(PAGE + "dispute/", {"comment": "<script>alert(1)</script>"})
        assert response.status_code == 302
        page = client.get(PAGE).content.decode()
        assert "Disputed" in page and "<script>alert(1)</script>" not in page

    def test_out_of_scope_and_impossible_months_are_404(self, client, world):
        client.force_login(world["other_focal"])
        assert client.get(PAGE).status_code == 404
        client.force_login(world["management"])
        assert client.get("/cost-recovery/statements/KJSO/UNAMA/2099-01/").status_code == 404
        assert client.get("/cost-recovery/statements/KJSO/NOPE/2026-01/").status_code == 404
        assert client.get("/cost-recovery/statements/KJSO/UNAMA/1800-01/").status_code == 404

    def test_the_list_shows_issued_statements_and_the_months_waiting(self, client, world):
        issue(world)
        client.force_login(world["manager"])
        response = client.get("/cost-recovery/")
        assert [
            s.month for s in response.context["table"].rows and response.context["object_list"]
        ] == [JAN]
        waiting = response.context["waiting"]
        assert "2026-01" not in [row[0].shown for row in waiting.rows]
        client.force_login(world["other_focal"])
        response = client.get("/cost-recovery/")
        assert list(response.context["object_list"]) == []


def test_issued_lines_are_stored_as_shown(world):
    statement = issue(world)
    assert [
        (line.service.code, line.rate, line.quantity, line.amount)
        for line in StatementLine.objects.filter(statement=statement)
    ] == [
        ("PAY-OFF", Decimal("24.2000"), 2, Decimal("48.4000")),
        ("PAY-OFF", Decimal("25.1250"), 1, Decimal("25.1300")),
        ("TRV-OFF", Decimal("30.8000"), 2, Decimal("61.6000")),
    ]
