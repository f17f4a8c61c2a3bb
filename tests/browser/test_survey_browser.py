"""The client satisfaction survey in Chromium: a focal point follows the invitation,
answers about a provider's service (a bad submission first), then changes the answer."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.choices import Role
from catalogue.models import Offering
from clients.models import ClientEntity
from surveys.models import Answer, Campaign
from surveys.services import campaign_create, campaign_open
from tests.browser.pages import sign_in
from tests.factories import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def campaign():
    # Transactional tests start from an empty database: load the reference data here.
    call_command("load_reference", verbosity=0, stdout=io.StringIO())
    unep = ClientEntity.objects.get(code="UNEP")
    user_with_role(Role.CLIENT_FOCAL_POINT, client=unep, username="focal-unep")
    curator = user_with_role(Role.CATALOGUE_MANAGER)
    today = timezone.localdate()
    created = campaign_create(
        user=curator,
        name="Travel survey",
        opens_on=today - dt.timedelta(days=2),
        closes_on=today + dt.timedelta(days=20),
        offerings=[Offering.objects.get(provider__code="UNON", service__code="TRV-OFF")],
        clients=[unep],
    )
    return campaign_open(campaign=created, user=curator)


def choose(page, name: str, score: int) -> None:
    page.locator(f"input[name={name}][value='{score}']").check()


def test_a_focal_point_answers_the_survey(live_server, page, screenshot, campaign):
    base = live_server.url
    sign_in(page, base, "focal-unep")
    page.get_by_role("link", name="Notifications (1 unread)").click()
    page.get_by_role("link", name="Client satisfaction survey: Travel survey").click()
    page.wait_for_url(f"{base}/surveys/{campaign.pk}/")
    assert page.get_by_text("not answered").is_visible()
    page.get_by_role("link", name="Answer about UNON TRV-OFF").click()

    # Missing scores: the form says which, nothing is stored.
    choose(page, "overall", 4)
    page.get_by_role("button", name="Save my answer").click()
    assert page.locator(".error").first.is_visible()
    assert not Answer.objects.exists()
    screenshot("errors")

    for name, score in (("timeliness", 3), ("quality", 5), ("communication", 4)):
        choose(page, name, score)
    choose(page, "ease_of_access", 2)
    page.fill("textarea[name=comment]", "<b>Quick</b> tickets")
    page.get_by_role("button", name="Save my answer").click()
    page.wait_for_url(f"{base}/surveys/{campaign.pk}/")
    assert page.get_by_text("Thank you").is_visible()
    assert page.get_by_text("overall 4 / 5").is_visible()
    screenshot("answered")
    stored = Answer.objects.get()
    assert (stored.overall, stored.ease_of_access, stored.comment) == (4, 2, "<b>Quick</b> tickets")

    page.get_by_role("link", name="Change about UNON TRV-OFF").click()
    assert page.locator("input[name=quality][value='5']").is_checked()
    choose(page, "overall", 2)
    page.get_by_role("button", name="Save my answer").click()
    page.wait_for_url(f"{base}/surveys/{campaign.pk}/")
    assert page.get_by_text("overall 2 / 5").is_visible()
    assert Answer.objects.get().overall == 2
    assert Answer.objects.count() == 1


def test_a_catalogue_manager_prepares_and_opens_a_campaign(live_server, page, screenshot):
    call_command("load_reference", verbosity=0, stdout=io.StringIO())
    unep = ClientEntity.objects.get(code="UNEP")
    focal = user_with_role(Role.CLIENT_FOCAL_POINT, client=unep, username="focal-unep")
    user_with_role(Role.CATALOGUE_MANAGER, username="curator")
    travel = Offering.objects.get(provider__code="UNON", service__code="TRV-OFF")
    today = timezone.localdate()
    base = live_server.url
    sign_in(page, base, "curator")
    page.goto(f"{base}/surveys/")
    page.get_by_role("link", name="Prepare a campaign").click()
    page.wait_for_url(f"{base}/surveys/new/")

    # Closing before opening: said beside the date, nothing stored.
    page.fill("#id_name", "Travel survey")
    page.fill("#id_opens_on", f"{today:%Y-%m-%d}")
    page.fill("#id_closes_on", f"{today - dt.timedelta(days=1):%Y-%m-%d}")
    page.select_option("#id_offerings", value=str(travel.pk))
    page.select_option("#id_clients", value=str(unep.pk))
    page.get_by_role("button", name="Save the draft").click()
    assert page.get_by_text("The campaign closes before it opens.").is_visible()
    assert not Campaign.objects.exists()
    screenshot("campaign-errors")

    page.fill("#id_closes_on", f"{today + dt.timedelta(days=30):%Y-%m-%d}")
    page.get_by_role("button", name="Save the draft").click()
    created = Campaign.objects.get()
    page.wait_for_url(f"{base}/surveys/{created.pk}/")
    assert page.get_by_text("Campaign prepared as a draft").is_visible()
    page.get_by_role("button", name="Open and invite").click()
    page.wait_for_url(f"{base}/surveys/{created.pk}/")
    screenshot("campaign-opened")
    created.refresh_from_db()
    assert created.status == "open"
    assert list(created.invitations.values_list("user", flat=True)) == [focal.pk]
