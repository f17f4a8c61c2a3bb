"""A monthly statement in Chromium: the provider manager opens the draft, issues it; the
client focal point disputes it with a comment. Screenshots of the statement page."""

import io

import pytest
from django.core.management import call_command

from accounts.choices import Role
from clients.models import ClientEntity
from cost_recovery.models import Statement
from providers.models import ServiceProvider
from tests.browser.pages import sign_in, sign_out
from tests.cost_recovery.factories import JANUARY_ROWS, kjso_unama_rates
from tests.factories import user_with_role
from tests.records.factories import import_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PATH = "/cost-recovery/statements/KJSO/UNAMA/2026-01/"


@pytest.fixture
def parties():
    # Transactional tests start from an empty database: load the reference data here.
    call_command("load_reference", verbosity=0, stdout=io.StringIO())
    call_command("load_sla_template", stdout=io.StringIO())
    kjso = ServiceProvider.objects.get(code="KJSO")
    unama = ClientEntity.objects.get(code="UNAMA")
    kjso_unama_rates()
    assert import_csv(JANUARY_ROWS).status == "done"
    user_with_role(Role.PROVIDER_MANAGER, provider=kjso, username="manager-kjso")
    user_with_role(Role.CLIENT_FOCAL_POINT, client=unama, username="focal-unama")


def test_issue_then_dispute_a_statement(live_server, page, screenshot, parties):
    base = live_server.url
    sign_in(page, base, "manager-kjso")
    page.get_by_role("link", name="Cost recovery").click()
    page.wait_for_url(f"{base}/cost-recovery/")
    page.goto(f"{base}{PATH}")
    assert "Draft" in page.locator("h1 .badge").inner_text()
    table = page.locator("table.data")
    assert "25.125" in table.inner_text() and "135.13" in table.inner_text()
    screenshot("draft")
    page.get_by_role("button", name="Issue the statement").click()
    page.wait_for_load_state()
    assert page.locator("h1 .badge").inner_text() == "Issued"
    sign_out(page, base)

    sign_in(page, base, "focal-unama")
    page.goto(f"{base}{PATH}")
    page.fill("#id_comment", "W-T1 was redone at KJSO's cost: please remove it.")
    page.get_by_role("button", name="Dispute").click()
    page.wait_for_load_state()
    assert page.locator("h1 .badge").inner_text() == "Disputed"
    assert page.get_by_text("W-T1 was redone").is_visible()
    screenshot("statement")
    assert Statement.objects.get().status == "disputed"
