"""An SLA from registration to approval, in Chromium: provider staff registers and submits,
the client focal point and the provider manager each sign."""

import io
import re

import pytest
from django.core.management import call_command

from accounts.choices import Role
from catalogue.models import Offering
from clients.models import ClientEntity
from providers.models import ServiceProvider
from sla.models import Sla
from tests.browser.pages import sign_in, sign_out
from tests.factories import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def parties():
    # Transactional tests start from an empty database: load the reference data here.
    call_command("load_reference", verbosity=0, stdout=io.StringIO())
    call_command("load_sla_template", stdout=io.StringIO())
    unon = ServiceProvider.objects.get(code="UNON")
    unep = ClientEntity.objects.get(code="UNEP")
    return {
        "staff": user_with_role(Role.PROVIDER_STAFF, provider=unon, username="staff-unon"),
        "focal": user_with_role(
            Role.CLIENT_FOCAL_POINT, client=unep, username="focal-unep", first_name="Fatma"
        ),
        "manager": user_with_role(
            Role.PROVIDER_MANAGER, provider=unon, username="manager-unon", first_name="Moses"
        ),
        "offering": Offering.objects.get(provider=unon, service__code="CONF-DOC"),
    }


def test_register_submit_and_both_parties_approve(live_server, page, screenshot, parties):
    base = live_server.url
    line = f"line-{parties['offering'].pk}"

    sign_in(page, base, "staff-unon")
    page.get_by_role("link", name="SLAs", exact=True).click()
    page.get_by_role("link", name="Register an SLA").click()
    page.wait_for_url(f"{base}/slas/new/")
    page.select_option("#id_client", "UNEP")
    page.check(f"#{line}-selected")
    page.fill(f"#{line}-volume", "1200")
    screenshot("register")
    page.get_by_role("button", name="Register the draft").click()
    page.wait_for_url(re.compile(r".*/slas/\d+/$"))
    sla = Sla.objects.get()
    assert page.locator("h1").inner_text().startswith(sla.agreement.number)
    assert page.locator("h1 .badge").inner_text() == "Draft"
    assert page.get_by_text("CONF-DOC").first.is_visible()
    page.get_by_role("button", name="Submit for signature").click()
    page.wait_for_load_state()
    assert page.locator("h1 .badge").inner_text() == "Submitted"
    sign_out(page, base)

    sign_in(page, base, "focal-unep")
    assert page.get_by_role("link", name=re.compile(r"Notifications \(1 unread\)")).is_visible()
    page.goto(f"{base}/slas/{sla.pk}/")
    page.get_by_role("link", name="Review and sign").click()
    assert "cannot be undone" in page.locator(".confirm-summary").inner_text()
    page.get_by_role("button", name="Approve and sign").click()
    page.wait_for_load_state()
    assert page.get_by_text("waits for the other party").is_visible()
    sign_out(page, base)

    sign_in(page, base, "manager-unon")
    page.goto(f"{base}/slas/{sla.pk}/")
    page.get_by_role("link", name="Review and sign").click()
    assert "cannot be undone" in page.locator(".confirm-summary").inner_text()
    page.get_by_role("button", name="Approve and sign").click()
    page.wait_for_load_state()
    assert page.locator("h1 .badge").inner_text() in ("Approved", "Active")
    signatures = page.locator("#signatures + table").inner_text()
    assert "Fatma" in signatures and "Moses" in signatures
    screenshot("approved")
    sla.refresh_from_db()
    assert sla.status in ("approved", "active")

    page.get_by_role("link", name="Agreement text").click()
    page.wait_for_url(f"{base}/slas/{sla.pk}/agreement/")
    assert page.get_by_text("United Nations Environment Programme").first.is_visible()
    assert page.locator(".watermark").count() == 0
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    screenshot("agreement-print")
