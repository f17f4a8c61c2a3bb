"""The network map and the designation advisor in Chromium: management opens the map
(countries drawn, legend, tables) and ranks the providers of a service for a client.
Screenshots of both pages."""

import io

import pytest
from django.core.management import call_command

from accounts.choices import Role
from tests.browser.pages import sign_in
from tests.factories import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def management():
    # Transactional tests start from an empty database: load the reference data here.
    call_command("load_reference", verbosity=0, stdout=io.StringIO())
    user_with_role(Role.MANAGEMENT, username="management-network")


def test_network_map_and_designation_advisor(live_server, page, screenshot, management):
    base = live_server.url
    sign_in(page, base, "management-network")
    page.goto(f"{base}/network/map/")
    assert page.locator("h1").inner_text() == "Support network"
    svg = page.locator("svg.world")
    assert svg.get_attribute("aria-hidden") == "true"
    assert page.locator("svg.world .countries path").count() == 176
    assert page.locator("svg.world .providers circle").count() > 0
    assert page.locator("svg.world .links line").count() > 0
    assert "no data" in page.locator(".legend").inner_text()
    providers = page.get_by_role("table", name="Providers, by attainment of the minimum service "
                                 "standards in their last complete month")  # fmt: skip
    assert "KJSO" in providers.inner_text()
    screenshot("map")

    page.select_option("#id_area", "HR")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    assert "Human resources" in page.locator("h1").inner_text() or "HR" in page.url

    page.goto(f"{base}/network/advisor/")
    page.select_option("#id_client", "UNAMA")
    page.select_option("#id_service", "PAY-OFF")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Designation advisor · PAY-OFF for UNAMA"
    table = page.locator("table.data")
    text = table.inner_text()
    assert "KJSO" in text and "Score (of 100)" in text and "designated now" in text
    assert page.get_by_role("heading", name="How the rank is made").is_visible()
    screenshot("advisor")
