"""The survey's rules: one answer per person, who may answer, closed campaigns, bad input,
invitations and reminders."""

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from accounts.models import Notification
from core.exceptions import ApplicationError
from records.models import PendingCompliance
from surveys.models import Answer, Invitation
from surveys.services import (
    AnswerInput,
    answer_submit,
    campaign_close,
    campaign_create,
    campaign_open,
    close_due_campaigns,
    invite_new_focal_points,
    send_reminders,
)
from tests.surveys.factories import NOW, answer, focal_points, open_campaign

pytestmark = pytest.mark.django_db


class TestOneAnswerPerPerson:
    def test_a_second_answer_changes_the_first(self, world):
        campaign = open_campaign(world)
        (person,) = focal_points(world["unep"], 1)
        first = answer(person, campaign, world["unon_trv"], overall=2, comment="slow")
        later = NOW + dt.timedelta(days=3)
        second = answer(person, campaign, world["unon_trv"], overall=5, now=later)
        assert second.pk == first.pk
        stored = Answer.objects.get()
        assert (stored.overall, stored.comment) == (5, "")
        # It keeps the day it was first given (the month it counts in).
        assert stored.answered_at == NOW and stored.updated_at == later

    def test_the_database_refuses_a_duplicate(self, world):
        campaign = open_campaign(world)
        (person,) = focal_points(world["unep"], 1)
        first = answer(person, campaign, world["unon_trv"])
        first.pk = None
        with pytest.raises(IntegrityError), transaction.atomic():
            first.save()

    def test_one_answer_per_provider_and_service(self, world):
        campaign = open_campaign(world)
        (person,) = focal_points(world["unep"], 1)
        answer(person, campaign, world["unon_trv"])
        answer(person, campaign, world["kjso_trv"])
        assert Answer.objects.filter(respondent=person).count() == 2


class TestWhoMayAnswer:
    def test_a_focal_point_of_an_entity_not_invited_cannot_answer(self, world):
        campaign = open_campaign(world)
        (outsider,) = focal_points(world["unama"], 1)
        with pytest.raises(ApplicationError) as exc:
            answer(outsider, campaign, world["unon_trv"])
        assert exc.value.status_code == 403
        assert not Answer.objects.exists()

    def test_a_service_the_campaign_does_not_cover_is_refused(self, world):
        campaign = open_campaign(world)
        (person,) = focal_points(world["unep"], 1)
        with pytest.raises(ApplicationError) as exc:
            answer(person, campaign, world["unon_conf"])
        assert "offering" in exc.value.errors
        assert not Answer.objects.exists()

    def test_provider_staff_cannot_answer(self, world):
        from accounts.choices import Role
        from tests.factories import user_with_role

        campaign = open_campaign(world)
        staff = user_with_role(Role.PROVIDER_STAFF, provider=world["unon"])
        with pytest.raises(ApplicationError):
            answer(staff, campaign, world["unon_trv"])

    def test_only_catalogue_managers_run_campaigns(self, world):
        (person,) = focal_points(world["unep"], 1)
        with pytest.raises(ApplicationError) as exc:
            campaign_create(
                user=person,
                name="Mine",
                opens_on=dt.date(2026, 1, 1),
                closes_on=dt.date(2026, 1, 31),
                offerings=[world["unon_trv"]],
                clients=[world["unep"]],
            )
        assert exc.value.status_code == 403


class TestClosedCampaign:
    def test_answers_cannot_be_given_or_changed_after_closing(self, world):
        campaign = open_campaign(world)
        (person,) = focal_points(world["unep"], 1)
        answer(person, campaign, world["unon_trv"], overall=3)
        campaign_close(campaign=campaign, user=world["curator"])
        with pytest.raises(ApplicationError, match="closed"):
            answer(person, campaign, world["unon_trv"], overall=5)
        with pytest.raises(ApplicationError, match="closed"):
            answer(person, campaign, world["kjso_trv"], overall=5)
        assert list(Answer.objects.values_list("overall", flat=True)) == [3]

    def test_after_the_last_day_it_is_closed(self, world):
        campaign = open_campaign(world, closes_on=dt.date(2026, 1, 20))
        (person,) = focal_points(world["unep"], 1)
        with pytest.raises(ApplicationError, match="closed"):
            answer(person, campaign, world["unon_trv"], now=NOW + dt.timedelta(days=7))
        assert close_due_campaigns(today=dt.date(2026, 1, 21)) == 1
        assert close_due_campaigns(today=dt.date(2026, 1, 21)) == 0
        campaign.refresh_from_db()
        assert campaign.status == "closed"


class TestBadInput:
    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("overall", 6),
            ("overall", 0),
            ("timeliness", -1),
            ("quality", "abc"),
            ("communication", None),
            ("ease_of_access", ""),
            ("overall", True),
            ("overall", "4.5"),
        ],
    )
    def test_scores_out_of_range_are_refused(self, world, field, value):
        campaign = open_campaign(world)
        (person,) = focal_points(world["unep"], 1)
        values = {"overall": 4, "timeliness": 4, "quality": 4, "communication": 4}
        values["ease_of_access"] = 4
        values[field] = value
        with pytest.raises(ApplicationError) as exc:
            answer_submit(
                user=person,
                campaign=campaign,
                offering=world["unon_trv"],
                data=AnswerInput(**values),
                now=NOW,
            )
        assert field in exc.value.errors
        assert not Answer.objects.exists()
        assert not PendingCompliance.objects.exists()

    @pytest.mark.parametrize("comment", ["x" * 2001, "bad\x00byte", "bell\x07", 42])
    def test_bad_comments_are_refused(self, world, comment):
        campaign = open_campaign(world)
        (person,) = focal_points(world["unep"], 1)
        with pytest.raises(ApplicationError) as exc:
            answer(person, campaign, world["unon_trv"], comment=comment)
        assert "comment" in exc.value.errors
        assert not Answer.objects.exists()

    def test_hostile_text_is_stored_as_plain_text(self, world):
        campaign = open_campaign(world)
        (person,) = focal_points(world["unep"], 1)
        text = '<script>alert(1)</script>\n=HYPERLINK("http://evil")'
        stored = answer(person, campaign, world["unon_trv"], comment=text)
        assert stored.comment == text


class TestInvitationsAndReminders:
    def test_opening_invites_every_focal_point_once(
        self, world, django_capture_on_commit_callbacks
    ):
        people = focal_points(world["unep"], 3)
        focal_points(world["unama"], 2)  # not invited
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            campaign = open_campaign(world)
        assert set(Invitation.objects.values_list("user_id", flat=True)) == {p.pk for p in people}
        invited = Notification.objects.filter(verb="survey.invited")
        assert invited.count() == 3
        assert invited.first().url == f"/surveys/{campaign.pk}/"
        assert len(mail.outbox) == 3
        with pytest.raises(ApplicationError):
            campaign_open(campaign=campaign, user=world["curator"])
        assert Invitation.objects.count() == 3

    def test_each_person_is_reminded_once_per_round(
        self, world, django_capture_on_commit_callbacks
    ):
        silent, answered = focal_points(world["unep"], 2)
        campaign = open_campaign(world, opens_on=dt.date(2026, 1, 1))
        answer(answered, campaign, world["unon_trv"])
        reminders = Notification.objects.filter(verb="survey.reminder")
        # Round 0 (the first week): no reminder yet.
        assert send_reminders(today=dt.date(2026, 1, 5)) == 0
        # Round 1: the one who has not answered, once, however often the task runs.
        with django_capture_on_commit_callbacks(execute=True):
            assert send_reminders(today=dt.date(2026, 1, 8)) == 1
            assert send_reminders(today=dt.date(2026, 1, 9)) == 0
        assert list(reminders.values_list("user_id", flat=True)) == [silent.pk]
        # Round 2: reminded again.
        with django_capture_on_commit_callbacks(execute=True):
            assert send_reminders(today=dt.date(2026, 1, 15)) == 1
        assert reminders.count() == 2
        # Closed campaigns remind nobody.
        campaign_close(campaign=campaign, user=world["curator"])
        assert send_reminders(today=dt.date(2026, 1, 22)) == 0

    def test_the_housekeeping_task_runs_twice_harmlessly(self, world):
        from surveys.tasks import survey_housekeeping

        focal_points(world["unep"], 1)
        open_campaign(world, opens_on=dt.date(2020, 1, 1), closes_on=dt.date(2020, 2, 1))
        assert survey_housekeeping.delay().get() == {"closed": 1, "invited": 0, "reminded": 0}
        assert survey_housekeeping.delay().get() == {"closed": 0, "invited": 0, "reminded": 0}

    def test_focal_points_who_join_late_are_invited_once(
        self, world, django_capture_on_commit_callbacks
    ):
        first = focal_points(world["unep"], 1)
        campaign = open_campaign(world)
        late = focal_points(world["unep"], 2, prefix="late")
        with django_capture_on_commit_callbacks(execute=True):
            assert invite_new_focal_points() == 2
            assert invite_new_focal_points() == 0
        invited = Notification.objects.filter(verb="survey.invited")
        assert set(invited.values_list("user_id", flat=True)) == {p.pk for p in late}
        assert campaign.invitations.count() == 3
        # Someone who answers without an invitation row is counted among the invited.
        (latest,) = focal_points(world["unep"], 1, prefix="latest")
        answer(latest, campaign, world["unon_trv"])
        assert campaign.invitations.count() == 4
        assert first


class TestPendingMarks:
    def test_an_answer_marks_its_month_and_closing_marks_every_month(
        self, world, django_capture_on_commit_callbacks
    ):
        campaign = open_campaign(world)
        (person,) = focal_points(world["unep"], 1)
        # 2026-01-31 22:30 UTC is already February in Kuwait and Nairobi (DOMAIN §8).
        late = dt.datetime(2026, 1, 31, 22, 30, tzinfo=dt.UTC)
        answer(person, campaign, world["kjso_trv"], now=late)
        answer(person, campaign, world["unon_trv"], now=late)
        marks = set(PendingCompliance.objects.values_list("provider__code", "month"))
        assert marks == {("KJSO", dt.date(2026, 2, 1)), ("UNON", dt.date(2026, 2, 1))}
        PendingCompliance.objects.all().delete()
        with django_capture_on_commit_callbacks(execute=True):
            campaign_close(campaign=campaign, user=world["curator"])
        # Closing marks them again; the embedded default computes them at once.
        from compliance.models import ComplianceResult

        assert ComplianceResult.objects.filter(
            kind="satisfaction", provider__code="KJSO", period=dt.date(2026, 2, 1), eligible=1
        ).exists()
