"""Preparing a campaign from the portal (catalogue managers): a draft over the current
template; bad input is answered beside its field and stores nothing; nobody else may."""

import pytest

from accounts.choices import Role
from surveys.choices import CampaignStatus
from surveys.models import Campaign, Invitation
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

URL = "/surveys/new/"


def valid(world, **changes) -> dict:
    data = {
        "name": "  Client survey, first half 2026  ",
        "opens_on": "2026-01-05",
        "closes_on": "2026-02-27",
        "reminder_every_days": "7",
        "offerings": [str(world["unon_trv"].pk), str(world["kjso_trv"].pk)],
        "clients": [str(world["unep"].pk), str(world["unama"].pk)],
    }
    data.update(changes)
    return data


def test_a_catalogue_manager_prepares_a_draft(client, world):
    client.force_login(world["curator"])
    page = client.get("/surveys/")
    assert URL in page.content.decode()  # "Prepare a campaign"
    form = client.get(URL)
    assert form.status_code == 200
    assert "UNON · TRV-OFF" in form.content.decode()

    response = client.post(URL, valid(world))
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/surveys/{campaign.pk}/"
    assert campaign.name == "Client survey, first half 2026"
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.created_by == world["curator"]
    assert set(campaign.offerings.all()) == {world["unon_trv"], world["kjso_trv"]}
    assert set(campaign.clients.all()) == {world["unep"], world["unama"]}
    assert not Invitation.objects.exists()  # nobody is asked before it opens
    detail = client.get(response["Location"]).content.decode()
    assert "Campaign prepared as a draft" in detail


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "   "}, "name", "This field is required."),
        ({"name": "x" * 201}, "name", "at most 200 characters"),
        ({"name": "Survey\x00"}, "name", "Null characters are not allowed."),
        ({"opens_on": "2026-13-40"}, "opens_on", "Enter a valid date."),
        ({"closes_on": "27/02/2026"}, "closes_on", "Enter a valid date."),
        ({"closes_on": "2026-01-04"}, "closes_on", "The campaign closes before it opens."),
        ({"reminder_every_days": "0"}, "reminder_every_days", "greater than or equal to 1"),
        ({"reminder_every_days": "91"}, "reminder_every_days", "less than or equal to 90"),
        ({"reminder_every_days": "weekly"}, "reminder_every_days", "Enter a whole number."),
        ({"offerings": []}, "offerings", "This field is required."),
        ({"offerings": ["999999"]}, "offerings", "Select a valid choice."),
        ({"offerings": ["1; DROP TABLE surveys_campaign"]}, "offerings", "is not a valid value"),
        ({"clients": []}, "clients", "This field is required."),
        ({"clients": ["-1"]}, "clients", "Select a valid choice."),
    ],
    ids=[
        "no-name",
        "blank-name",
        "long-name",
        "nul-in-name",
        "impossible-date",
        "other-date-format",
        "closes-before-it-opens",
        "reminder-zero",
        "reminder-too-rare",
        "reminder-text",
        "no-offering",
        "unknown-offering",
        "hostile-offering",
        "no-client",
        "unknown-client",
    ],
)
def test_bad_input_is_answered_beside_its_field_and_stores_nothing(
    client, world, changes, field, message
):
    client.force_login(world["curator"])
    response = client.post(URL, valid(world, **changes))
    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_hostile_name_is_stored_as_text_and_shown_escaped(client, world):
    client.force_login(world["curator"])
    name = '<script>alert("x")</script>'
    response = client.post(URL, valid(world, name=name))
    assert response.status_code == 302
    assert Campaign.objects.get().name == name
    page = client.get(response["Location"]).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page


@pytest.mark.parametrize(
    "role", [Role.MANAGEMENT, Role.PROVIDER_MANAGER, Role.PROVIDER_STAFF, Role.CLIENT_FOCAL_POINT]
)
def test_nobody_else_may_prepare_a_campaign(client, world, role):
    organisation = {}
    if role in (Role.PROVIDER_MANAGER, Role.PROVIDER_STAFF):
        organisation = {"provider": world["unon"]}
    elif role == Role.CLIENT_FOCAL_POINT:
        organisation = {"client": world["unep"]}
    client.force_login(user_with_role(role, **organisation))
    assert URL not in client.get("/surveys/").content.decode()
    assert client.get(URL).status_code == 403
    assert client.post(URL, valid(world)).status_code == 403
    assert not Campaign.objects.exists()


def test_anonymous_callers_are_sent_to_sign_in(client, world):
    response = client.post(URL, valid(world))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"] or "login" in response["Location"]
    assert not Campaign.objects.exists()
