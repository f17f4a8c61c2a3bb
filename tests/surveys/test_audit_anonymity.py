"""The survey in the audit trail: campaigns and templates are audited as usual; answers and
invitations anonymously, since nobody reads someone else's answer (not even through the
trail): an entry says an answer was given, changed or deleted, never by whom nor what."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.choices import Role
from core.audit import ANONYMOUS_ACTOR, WITHHELD
from core.models import AuditEntry
from surveys.models import Answer, Campaign, Invitation, SurveyTemplate
from surveys.services import send_reminders
from tests.factories import user_with_role
from tests.surveys.factories import answer, focal_points
from tests.surveys.factories import open_campaign as open_campaign_on

pytestmark = pytest.mark.django_db

SCORES = {"overall": 2, "timeliness": 3, "quality": 5, "communication": 4, "ease_of_access": 1}
COMMENT = "Quietly unhappy with the travel desk"


def open_campaign(world, **kwargs):
    """A campaign open today (answers given now)."""
    today = timezone.localdate()
    kwargs.setdefault("opens_on", today - dt.timedelta(days=10))
    kwargs.setdefault("closes_on", today + dt.timedelta(days=30))
    return open_campaign_on(world, **kwargs)


def newest_id() -> int:
    last = AuditEntry.objects.order_by("-id").first()
    return last.pk if last else 0


def assert_anonymous(entry: AuditEntry, kind: str) -> None:
    assert entry.kind == kind
    assert (entry.actor, entry.actor_label, entry.path) == (None, ANONYMOUS_ACTOR, "")
    assert entry.changes == (WITHHELD if kind != "deleted" else {})
    assert entry.object_repr == f"{entry.model.split('.')[1]} {entry.object_id}"


def names_nobody(entries, person, *secrets) -> None:
    """None of ``entries`` names ``person`` or holds any of ``secrets``."""
    for entry in entries:
        assert entry.actor_id != person.pk
        text = " ".join(
            str(v)
            for v in (entry.actor_label, entry.object_repr, entry.path, json.dumps(entry.changes))
        )
        for secret in (person.username, person.email, *secrets):
            assert secret not in text, (secret, entry.action)


class TestCampaigns:
    def test_a_new_template_version_is_audited(self):
        template = SurveyTemplate.objects.create(version=99, title="Common survey, revised")
        entry = AuditEntry.objects.get(model="surveys.surveytemplate", object_id=str(template.pk))
        assert entry.kind == "created"
        assert entry.changes["title"] == [None, "Common survey, revised"]

    def test_campaign_writes_are_audited_and_the_invited_counted(self, client, world):
        focal_points(world["unep"], 2, prefix="inv")
        campaign = open_campaign(world)
        assert AuditEntry.objects.filter(
            model="surveys.campaign", object_id=str(campaign.pk), kind="created"
        ).exists()
        invited = AuditEntry.objects.get(action="surveys.invited")
        assert invited.object_id == str(campaign.pk)
        assert invited.changes == {"invited": Invitation.objects.filter(campaign=campaign).count()}
        client.force_login(world["curator"])
        assert client.post(f"/surveys/{campaign.pk}/close/").status_code == 302
        closed = AuditEntry.objects.filter(
            model="surveys.campaign", object_id=str(campaign.pk), kind="changed"
        ).first()  # the newest: opened by the service, then closed on the page
        assert (closed.actor, closed.channel) == (world["curator"], "page")
        assert closed.changes["status"] == ["open", "closed"]

    def test_reminders_are_one_entry_a_count_and_no_names(self, world):
        people = focal_points(world["unep"], 3, prefix="rem")
        campaign = open_campaign_on(world)
        answer(people[0], campaign, world["unon_trv"])
        assert send_reminders(
            today=dt.date(2026, 1, 15), now=dt.datetime(2026, 1, 15, tzinfo=dt.UTC)
        )
        entry = AuditEntry.objects.get(action="surveys.reminded")
        assert (entry.object_id, entry.changes) == (str(campaign.pk), {"round": 2, "reminded": 2})
        for person in people:
            names_nobody([entry], person)


class TestAnswers:
    def test_answering_on_the_page_leaves_an_anonymous_entry_and_nothing_that_names(
        self, client, world
    ):
        campaign = open_campaign(world)
        # Joined after the campaign opened: answering makes their invitation too.
        person = user_with_role(
            Role.CLIENT_FOCAL_POINT,
            client=world["unep"],
            username="late-respondent",
            email="late-respondent@example.org",
        )
        client.force_login(person)
        since = newest_id()
        url = f"/surveys/{campaign.pk}/answer/{world['unon_trv'].pk}/"
        response = client.post(url, {**SCORES, "comment": COMMENT})
        assert response.status_code == 302, response.content[:300]
        mine = Answer.objects.get(respondent=person)
        written = AuditEntry.objects.filter(pk__gt=since)
        assert_anonymous(written.get(model="surveys.answer", object_id=str(mine.pk)), "created")
        invitation = Invitation.objects.get(campaign=campaign, user=person)
        assert_anonymous(
            written.get(model="surveys.invitation", object_id=str(invitation.pk)), "created"
        )
        assert {e.channel for e in written if e.model.startswith("surveys.")} == {"page"}
        names_nobody(written, person, COMMENT)

    def test_changing_an_answer_through_the_api_is_anonymous_too(self, world):
        campaign = open_campaign(world)
        (person,) = focal_points(world["unep"], 1, prefix="changer")
        api = APIClient()
        api.force_login(person)
        body = {"campaign": campaign.pk, "provider": "UNON", "service": "TRV-OFF", **SCORES}
        created = api.post("/api/v1/survey-answers/", body, format="json")
        assert created.status_code == 201, created.json()
        since = newest_id()
        pk = created.json()["id"]
        changed = api.put(
            f"/api/v1/survey-answers/{pk}/", {**SCORES, "comment": COMMENT}, format="json"
        )
        assert changed.status_code == 200, changed.json()
        written = AuditEntry.objects.filter(pk__gt=since)
        assert_anonymous(written.get(model="surveys.answer", object_id=str(pk)), "changed")
        assert written.get(model="surveys.answer").channel == "api"
        names_nobody(AuditEntry.objects.filter(model__startswith="surveys."), person, COMMENT)

    @pytest.fixture
    def answered(self, world):
        campaign = open_campaign(world)
        person = user_with_role(
            Role.CLIENT_FOCAL_POINT,
            client=world["unep"],
            username="quiet-respondent",
            email="quiet-respondent@example.org",
        )
        answer(person, campaign, world["unon_trv"], overall=1, comment=COMMENT)
        answer(person, campaign, world["kjso_trv"], overall=5, comment=COMMENT)
        return person

    def test_the_audit_page_shows_answers_without_author_or_values(self, client, answered):
        client.force_login(user_with_role(Role.CATALOGUE_MANAGER))
        page = client.get("/audit/", {"model": "surveys.answer"})
        assert page.status_code == 200
        entries = list(page.context["auditentry_list"])
        assert len(entries) == 2
        body = page.content.decode()
        assert ANONYMOUS_ACTOR in body and "withheld" in body
        for secret in (answered.username, answered.email, COMMENT):
            assert secret not in body
        everything = client.get("/audit/", {"q": "answer"}).content.decode()
        assert answered.username not in everything and COMMENT not in everything

    def test_the_audit_api_serves_answers_without_author_or_values(self, answered):
        api = APIClient()
        api.force_login(user_with_role(Role.MANAGEMENT))
        response = api.get("/api/v1/audit/", {"model": "surveys.answer"})
        assert response.status_code == 200
        results = response.json()["results"]
        assert len(results) == 2
        for row in results:
            assert (row["actor"], row["actor_label"], row["path"]) == (None, "anonymous", "")
            assert row["changes"] == WITHHELD
        for model in ("surveys.answer", "surveys.invitation"):
            text = api.get("/api/v1/audit/", {"model": model}).content.decode()
            for secret in (answered.username, answered.email, COMMENT):
                assert secret not in text
        assert not api.get("/api/v1/audit/", {"actor": answered.username}).json()["count"]

    def test_deleting_a_campaign_records_its_answers_deleted_anonymously(self, world, answered):
        campaign = Campaign.objects.get()
        pks = set(Answer.objects.values_list("pk", flat=True))
        since = newest_id()
        campaign.delete()
        deleted = AuditEntry.objects.filter(pk__gt=since, model="surveys.answer")
        assert {e.object_id for e in deleted} == {str(pk) for pk in pks}
        for entry in deleted:
            assert_anonymous(entry, "deleted")

    def test_deleting_a_respondent_does_not_tell_that_they_answered(self, world, answered):
        since = newest_id()
        pk = answered.pk
        answered.delete()
        assert not Answer.objects.exists()
        written = AuditEntry.objects.filter(pk__gt=since)
        assert written.filter(model="auth.user", object_id=str(pk), kind="deleted").exists()
        assert not written.filter(model__in=["surveys.answer", "surveys.invitation"]).exists()
