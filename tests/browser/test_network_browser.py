"""The network map and the designation advisor in Chromium: management opens the map
(countries drawn, legend, tables) and ranks the providers of a service for a client; a
provider's staff member opens the map too and sees their own provider's attainment, the
others' "not shown". Screenshots of each page."""

import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.choices import Role
from catalogue.models import MinimumServiceStandard
from network.selectors import last_complete_month
from providers.models import ServiceProvider
from tests.browser.pages import sign_in
from tests.factories import user_with_role
from tests.network.factories import stored_result

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


@pytest.fixture
def unon_staff(management):
    """A staff member of UNON, and a UNON result (9 of 10) in its last complete month."""
    unon = ServiceProvider.objects.select_related("duty_station").get(code="UNON")
    standard = MinimumServiceStandard.objects.filter(
        service__offerings__provider=unon, kind="timeliness"
    ).first()
    month = last_complete_month(ZoneInfo(unon.duty_station.timezone), timezone.now())
    stored_result(provider=unon, standard=standard, period=month, eligible=10, met=9)
    user_with_role(Role.PROVIDER_STAFF, provider=unon, username="unon-staff-network")


def test_a_providers_staff_sees_their_own_attainment_only(
    live_server, page, screenshot, unon_staff
):
    base = live_server.url
    sign_in(page, base, "unon-staff-network")
    page.get_by_role("link", name="Network", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Support network"
    assert page.locator("svg.world .countries path").count() == 176
    assert page.locator("svg.world .providers circle.band-hidden").count() > 0
    assert page.locator("svg.world .providers circle.band-mid").count() == 1  # UNON, 90%
    assert "not shown" in page.locator(".legend").inner_text()
    providers = page.get_by_role("table", name="Providers, by attainment of the minimum service "
                                 "standards in their last complete month")  # fmt: skip
    rows = {row.split()[0]: row for row in providers.locator("tbody tr").all_inner_texts()}
    unon, kjso = rows["UNON"], rows["KJSO"]
    assert "90.0%" in unon and "not shown" not in unon
    assert "not shown" in kjso and "%" not in kjso
    # The advisor is for central roles and client focal points: no link to it here.
    assert page.get_by_role("link", name="Designation advisor").count() == 0
    screenshot("map-provider-staff")
