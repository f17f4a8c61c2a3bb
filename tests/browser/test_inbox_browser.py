"""The demo in Chromium, as each role: the home page's work inbox leads to each task and
back, the pages speak plain language, narrow screens fold the menu behind a button, and
axe-core (vendored in tests/browser/vendor/axe-core/) finds no serious or critical
accessibility violation on any page of the README's table that the role can open.
Screenshots of each role's home page at 1366 px and 390 px go to test-artifacts/."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from cost_recovery.models import Statement
from demo.management.commands.seed_demo import DEMO_PASSWORD
from records.models import RecordImport, ServiceRecord
from sla.models import Sla
from surveys.models import Campaign
from tests.browser.pages import sign_in, sign_out
from tests.support import plain_language_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# One demo login per role that signs in to the pages (the integration uses the API only).
ROLES = (
    "demo-client-unep",
    "demo-staff-unon",
    "demo-manager-kjso",
    "demo-catalogue",
    "demo-management",
)
BLOCKING = ("serious", "critical")
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
  }));
}"""


@pytest.fixture
def demo():
    # Transactional tests start from an empty database: set it up as `make run` does.
    call_command("load_reference", verbosity=0, stdout=io.StringIO())
    call_command("load_sla_template", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    record = ServiceRecord.objects.filter(provider__code="UNON", client__code="UNEP").first()
    sla = Sla.objects.filter(agreement__provider__code="UNON").first()
    statement = Statement.objects.select_related("provider", "client").first()
    pages = [
        "/",
        "/catalogue/",
        "/catalogue/services/CONF-DOC/",
        "/providers/",
        "/providers/UNON/",
        "/clients/",
        "/clients/UNEP/",
        "/records/",
        f"/records/{record.pk}/",
        "/imports/",
        "/imports/new/",
        "/slas/",
        "/slas/new/",
        f"/slas/{sla.pk}/",
        f"/slas/{sla.pk}/agreement/",
        "/compliance/",
        "/compliance/providers/UNON/",
        "/compliance/?status=breached",
        "/surveys/",
        f"/surveys/{Campaign.objects.first().pk}/",
        "/surveys/new/",
        "/surveys/results/",
        "/dashboards/",
        "/dashboards/providers/UNON/",
        "/dashboards/clients/UNEP/",
        "/dashboards/review/",
        "/cost-recovery/",
        "/cost-recovery/rates/",
        "/cost-recovery/volumes/",
        "/cost-recovery/value-for-money/",
        "/notifications/",
        "/account/time-zone/",
        "/audit/",
        "/api/docs/",
    ]
    if statement is not None:
        pages.append(
            f"/cost-recovery/statements/{statement.provider.code}/{statement.client.code}/"
            f"{statement.month:%Y-%m}/"
        )
    imported = RecordImport.objects.first()
    if imported is not None:
        pages.append(f"/imports/{imported.pk}/")
    return pages


def check_plain_language(page, where: str) -> None:
    problems = plain_language_problems(page.content())
    assert not problems, f"{where}: {problems}"


def walk_inbox(page, base: str, role: str) -> int:
    """Open each task of the inbox and come back; the number of tasks opened."""
    page.goto(f"{base}/")
    assert page.get_by_role("heading", name="What needs you").is_visible()
    sections = page.locator(".inbox-section")
    if sections.count() == 0:
        assert page.get_by_text("Nothing waits for you").is_visible()
        return 0
    for index in range(sections.count()):
        link = page.locator(".inbox-section").nth(index).locator(".inbox-items a").first
        href = link.get_attribute("href")
        assert href and not href.startswith("/api/"), f"{role}: {href} leads to the API"
        link.click()
        page.wait_for_load_state()
        assert page.url != f"{base}/", f"{role}: {href} did not open"
        assert page.locator("h1").count() == 1
        assert "Page not found" not in page.locator("h1").inner_text()
        check_plain_language(page, f"{role} {href}")
        page.go_back()
        page.wait_for_url(f"{base}/")
        assert page.get_by_role("heading", name="What needs you").is_visible()
    return sections.count()


def narrow_menu(page, base: str, role: str, shot: str) -> None:
    """At 390 px the menu folds behind its button, which opens it."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/")
    button = page.get_by_role("button", name="Menu")
    assert button.is_visible()
    assert not page.get_by_role("navigation", name="Main").is_visible()
    page.screenshot(path=shot, full_page=True)
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("navigation", name="Main").is_visible()
    button.click()
    page.set_viewport_size({"width": 1366, "height": 900})
    # The page hears of the new width in a media-query event: wait for it.
    expect(button).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


def test_each_role_inbox_pages_and_accessibility(live_server, browser, demo):
    base = live_server.url
    axe = AXE.read_text()
    ARTIFACTS.mkdir(exist_ok=True)
    # The CSP allows no inline script: the checking script is let in by the test only.
    context = browser.new_context(viewport={"width": 1366, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    violations, opened, tasks = [], {}, 0
    try:
        for role in ROLES:
            sign_in(page, base, role, DEMO_PASSWORD)
            page.screenshot(path=str(ARTIFACTS / f"home-{role}-1366.png"), full_page=True)
            narrow_menu(page, base, role, str(ARTIFACTS / f"home-{role}-390.png"))
            tasks += walk_inbox(page, base, role)
            for url in demo:
                response = page.goto(f"{base}{url}")
                if response.status in (403, 404):
                    continue  # not a page this role can open
                assert response.status == 200, f"{role} {url}: {response.status}"
                opened.setdefault(url, []).append(role)
                check_plain_language(page, f"{role} {url}")
                page.evaluate(axe)
                for violation in page.evaluate(RUN_AXE):
                    if violation["impact"] in BLOCKING:
                        violations.append((role, url, violation))
            sign_out(page, base)
    finally:
        context.close()
    assert tasks >= 5, "the demo's inboxes should hold tasks to walk"
    assert set(opened) == set(demo), f"pages no role opened: {set(demo) - set(opened)}"
    assert not violations, "\n".join(
        f"{role} {url}: {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}"
        for role, url, v in violations
    )
