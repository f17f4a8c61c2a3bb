"""The admin shows compliance results and runs but never writes them, and a satisfaction
figure from too few answers is withheld there too (survey anonymity)."""

import datetime as dt
import re

import pytest

from catalogue.models import MinimumServiceStandard
from tests.compliance.factories import result

pytestmark = pytest.mark.django_db

JANUARY = dt.date(2026, 1, 1)


def shown(html: str, field: str) -> list[str]:
    """What the admin shows in a field's cells (list) or its read-only box (page)."""
    cells = re.findall(rf'class="field-{field}(?:\s[^"]*)?">(.*?)</td>', html, re.S)
    boxes = re.findall(rf'field-{field}[\s"].*?class="readonly">(.*?)</div>', html, re.S)
    return [text.strip() for text in cells + boxes]


def test_a_result_from_too_few_answers_shows_no_figure(admin_client):
    standard = MinimumServiceStandard.objects.get(code="MSS-TRV-OFF-S")
    few = result(standard=standard, month=JANUARY, eligible=3, met=1)
    listing = admin_client.get("/admin/compliance/complianceresult/").content.decode()
    page = admin_client.get(f"/admin/compliance/complianceresult/{few.pk}/change/")
    assert page.status_code == 200
    page = page.content.decode()
    assert (
        shown(listing, "eligible_shown") == shown(listing, "met_shown") == ["fewer than 5 answers"]
    )
    for field in ("eligible_shown", "met_shown", "status_shown"):
        assert shown(page, field) == ["fewer than 5 answers"], field
    assert not shown(page, "eligible") and not shown(page, "met")


def test_results_are_read_only(admin_client):
    standard = MinimumServiceStandard.objects.get(code="MSS-TRV-OFF-S")
    figures = result(standard=standard, month=JANUARY, eligible=12, met=9)
    url = f"/admin/compliance/complianceresult/{figures.pk}/change/"
    assert shown(admin_client.get(url).content.decode(), "eligible_shown") == ["12"]
    assert admin_client.post(url, {"met": 12}).status_code == 403
    assert admin_client.get("/admin/compliance/complianceresult/add/").status_code == 403
    assert (
        admin_client.post(
            f"/admin/compliance/complianceresult/{figures.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    figures.refresh_from_db()
    assert figures.met == 9
