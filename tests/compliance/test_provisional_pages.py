"""A provisional month (not over in the provider's zone) on the compliance pages and the
API: the results list, a provider's month-by-month matrix, an SLA's compliance section
and the API's summary each say so; open breaches are of months that are over."""

import datetime as dt
import html

import pytest
from rest_framework.test import APIClient

from accounts.choices import Role
from compliance.models import ComplianceResult
from core.months import PROVISIONAL
from sla.models import ServiceLevelTarget
from tests.compliance.factories import result, standards
from tests.factories import user_with_role
from tests.sla.factories import make_draft, make_people

pytestmark = pytest.mark.django_db

JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
MARK = f'<div class="small provisional">{PROVISIONAL}</div>'


def provisional(found: ComplianceResult) -> ComplianceResult:
    ComplianceResult.objects.filter(pk=found.pk).update(provisional=True)
    found.refresh_from_db()
    return found


@pytest.fixture
def february_provisional():
    """UNON: January final, February provisional (both breached: 3 of 10 against 90%)."""
    (standard,) = standards(1)
    result(standard=standard, month=JAN, met=3)
    provisional(result(standard=standard, month=FEB, met=3))
    return standard


def page(client, url) -> str:
    client.force_login(user_with_role(Role.MANAGEMENT))
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_providers_matrix_marks_the_month_and_its_figures(client, february_provisional):
    body = page(client, "/compliance/providers/UNON/")
    heads = body.split("<thead>")[1].split("</thead>")[0]
    assert "Jan 2026</th>" in heads and f"Feb 2026{MARK}</th>" in heads
    assert body.count(MARK) == 2  # the month's heading and its one figure
    assert "is marked “provisional: month not over”" in body
    # The open breaches are January's only: February may still recover.
    breaches = body.split("<h2>Open breaches</h2>")[1]
    assert "2026-01" in breaches and "2026-02" not in breaches


def test_the_results_list_marks_each_provisional_result(client, february_provisional):
    body = page(client, "/compliance/?provider=UNON")
    assert body.count(PROVISIONAL) == 1
    row = next(r for r in body.split("<tr>") if "2026-02" in r)
    assert PROVISIONAL in row


def test_the_sla_page_marks_its_provisional_month(client):
    people = make_people()
    sla = make_draft(people)
    target = ServiceLevelTarget.objects.filter(line__sla=sla).first()
    result(standard=target.standard, target=target, month=JAN)
    provisional(result(standard=target.standard, target=target, month=FEB))
    body = page(client, f"/slas/{sla.pk}/")
    section = body.split('id="compliance"')[1]
    assert f"Feb 2026{MARK}</th>" in section and section.count(MARK) == 2


def test_the_api_summary_says_which_groups_hold_a_provisional_result(february_provisional):
    api = APIClient()
    api.force_login(user_with_role(Role.MANAGEMENT))
    summary = api.get("/api/v1/compliance/summary/", {"provider": "UNON"}).json()
    assert [(g["code"], g["provisional"]) for g in summary["groups"]] == [("UNON", True)]
    january = api.get(
        "/api/v1/compliance/summary/", {"provider": "UNON", "period": "2026-01"}
    ).json()
    assert [g["provisional"] for g in january["groups"]] == [False]
    results = api.get("/api/v1/compliance/", {"provider": "UNON"}).json()["results"]
    assert {(r["period"], r["provisional"]) for r in results} == {
        ("2026-01", False),
        ("2026-02", True),
    }


def test_the_admin_list_marks_a_provisional_month(admin_client, february_provisional):
    listing = html.unescape(
        admin_client.get("/admin/compliance/complianceresult/").content.decode()
    )
    assert f"2026-02 ({PROVISIONAL})" in listing and "2026-01 (" not in listing
    only = admin_client.get("/admin/compliance/complianceresult/", {"provisional__exact": "1"})
    assert only.status_code == 200 and "2026-01" not in only.content.decode()
