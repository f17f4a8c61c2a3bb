"""Sign in, search the catalogue and open a service, in Chromium."""

import pytest
from django.core.management import call_command

from accounts.choices import Role
from clients.models import ClientEntity
from tests.factories import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def focal_point():
    # Transactional tests start from an empty database: load the reference data here.
    call_command("load_reference", verbosity=0)
    unep = ClientEntity.objects.get(code="UNEP")
    return user_with_role(Role.CLIENT_FOCAL_POINT, client=unep, username="focal-unep")


def test_sign_in_search_and_open_a_service(live_server, page, screenshot, focal_point):
    page.goto(f"{live_server.url}/catalogue/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "focal-unep")
    page.fill("#id_password", "test-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/catalogue/")

    page.fill("#id_q", "travel")
    page.click("text=Apply")
    page.wait_for_load_state()
    rows = page.locator("table.data tbody tr")
    assert rows.count() >= 1
    screenshot("search")
    first_link = rows.first.locator("td a").first
    code = first_link.inner_text()
    first_link.click()
    page.wait_for_url(f"**/catalogue/services/{code}/")
    assert page.locator("h1").inner_text().startswith(code)
    assert page.locator("text=Minimum service standards").is_visible()
    assert page.locator("text=Your designated provider").is_visible()
    screenshot("service")
