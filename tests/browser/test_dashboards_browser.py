"""The dashboards in Chromium: each one loads with its charts, takes a filter, and drills
down from a figure to the results behind it and then to the records. Screenshots go to
test-artifacts/."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command

from accounts.choices import Role
from clients.models import ClientEntity
from compliance.engine import compute_provider_month
from providers.models import ServiceProvider
from tests.browser.pages import sign_in
from tests.factories import user_with_role
from tests.records.factories import import_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LATER = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


@pytest.fixture
def computed():
    # Transactional tests start from an empty database: load the reference data here.
    call_command("load_reference", verbosity=0, stdout=io.StringIO())
    call_command("load_sla_template", stdout=io.StringIO())
    import_csv(
        "K-1,KJSO,UNAMA,PAY-OFF,2026-02-01T08:00,2026-02-02T09:00,,,false\n"
        "K-2,KJSO,UNAMA,PAY-OFF,2026-02-01T08:00,2026-02-20T09:00,,,false\n"
        "N-1,UNON,UNEP,CONF-DOC,2026-02-02T08:00,2026-02-03T09:00,,,false\n"
        "N-2,UNON,UNEP,CONF-DOC,2026-02-02T08:00,2026-02-27T09:00,,,true\n"
        "N-3,UNON,UNEP,CONF-DOC,2026-01-05T08:00,2026-01-06T09:00,,,false\n"
    )
    for code in ("KJSO", "UNON"):
        provider = ServiceProvider.objects.get(code=code)
        for month in (dt.date(2026, 1, 1), dt.date(2026, 2, 1)):
            compute_provider_month(provider_id=provider.pk, month=month, now=LATER)
    unon = ServiceProvider.objects.get(code="UNON")
    unep = ClientEntity.objects.get(code="UNEP")
    user_with_role(Role.MANAGEMENT, username="boss")
    user_with_role(Role.PROVIDER_STAFF, provider=unon, username="staff-unon")
    user_with_role(Role.CLIENT_FOCAL_POINT, client=unep, username="focal-unep")


@pytest.fixture
def errors(page):
    """Console errors (a CSP violation or a script error shows up here)."""
    seen = []

    def console(message):
        # Note: the browser asks for /favicon.ico on its own; the portal has none.
        url = message.location.get("url", "")
        if message.type == "error" and not url.endswith("favicon.ico"):
            seen.append(f"{message.text} ({url})")

    page.on("console", console)
    page.on("pageerror", lambda exc: seen.append(str(exc)))
    return seen


def chart_drawn(page, key: str) -> bool:
    return page.evaluate(
        "key => { const c = document.getElementById(key + '-chart');"
        " return !!(c && window.Chart && window.Chart.getChart(c)); }",
        key,
    )


def drill_to_records(page, screenshot, name: str, link) -> None:
    """From a dashboard figure to its results, then to the records of the first result."""
    link.click()
    page.wait_for_url(re.compile(r".*/compliance/\?.*"))
    assert page.locator("table.data tbody tr").count() >= 1
    screenshot(f"{name}-results")
    page.locator("table.data tbody tr td.num a").first.click()
    page.wait_for_url(re.compile(r".*/records/\?.*completed_month=2026-0[12].*"))
    assert page.locator("table.data tbody tr").count() >= 1
    screenshot(f"{name}-records")


def management_dashboard(page, base, screenshot):
    sign_in(page, base, "boss")
    page.get_by_role("link", name="Dashboards", exact=True).click()
    page.wait_for_url(f"{base}/dashboards/")
    assert "February 2026" in page.locator("h1").inner_text()
    assert chart_drawn(page, "trend")
    screenshot("management")

    page.select_option("#id_region", "africa")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r".*region=africa.*"))
    providers = page.locator("#heatmap tbody th").all_inner_texts()
    assert any("UNON" in p for p in providers) and not any("KJSO" in p for p in providers)
    screenshot("management-africa")

    cell = page.locator("#heatmap tbody tr", has_text="UNON").locator("td a").first
    drill_to_records(page, screenshot, "management", cell)
    refs = page.locator("table.data tbody tr").all_inner_texts()
    assert any("N-1" in r for r in refs) and not any("N-3" in r for r in refs)


def provider_dashboard(page, base, screenshot):
    sign_in(page, base, "staff-unon")
    page.get_by_role("link", name="Dashboards", exact=True).click()
    page.wait_for_url(f"{base}/dashboards/providers/UNON/")
    assert chart_drawn(page, "trend") and chart_drawn(page, "volumes")
    screenshot("provider")

    page.fill("#id_month", "2026-01")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r".*month=2026-01.*"))
    assert "January 2026" in page.locator("h1").inner_text()
    screenshot("provider-january")

    page.fill("#id_month", "2026-02")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r".*month=2026-02.*"))
    link = page.locator("#kinds tbody tr", has_text="Timeliness").locator("td a").first
    drill_to_records(page, screenshot, "provider", link)


def client_dashboard(page, base, screenshot):
    sign_in(page, base, "focal-unep")
    page.get_by_role("link", name="Dashboards", exact=True).click()
    page.wait_for_url(f"{base}/dashboards/clients/UNEP/")
    assert page.get_by_text("Compliance by service").first.is_visible()
    assert chart_drawn(page, "by-service")
    screenshot("client")

    page.select_option("#id_provider", "UNON")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r".*provider=UNON.*"))
    screenshot("client-unon")
    link = page.locator("#by-service tbody tr", has_text="CONF-DOC").locator("td a").first
    drill_to_records(page, screenshot, "client", link)


def review_pack(page, base, screenshot):
    sign_in(page, base, "boss")
    page.goto(f"{base}/dashboards/review/?half=2026-H1")
    assert "January 2026 – June 2026" in page.locator("h1").inner_text()
    assert page.get_by_text("No satisfaction results yet").is_visible()
    assert chart_drawn(page, "trend")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the pack (XLSX)").click()
    assert download.value.suggested_filename == "review-pack-2026-H1.xlsx"
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("form.filters").is_visible()
    screenshot("review-pack-print")


def test_each_dashboard_loads_filters_and_drills_down_to_records(
    live_server, page, screenshot, computed, errors
):
    # Note: one test for the four pages, so that the reference data is loaded once.
    base = live_server.url
    for step in (management_dashboard, provider_dashboard, client_dashboard, review_pack):
        page.context.clear_cookies()
        step(page, base, screenshot)
        assert errors == [], step.__name__
