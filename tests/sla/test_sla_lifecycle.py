"""The SLA life cycle of DOMAIN §6 end to end: signatures, activation and expiry,
termination, return, amendment, history, notifications and the rendered agreement."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from accounts.models import Notification
from core.exceptions import ApplicationError
from sla.choices import SlaStatus
from sla.models import ServiceLevelTarget, Sla, SlaTemplate, SlaTemplateSection
from sla.selectors import agreement_sections, sla_comparison, sla_detail, sla_history
from sla.services import (
    allowed_actions,
    sla_amend,
    sla_approve,
    sla_return,
    sla_submit,
    sla_terminate,
    sla_update_draft,
    slas_update_lifecycle,
)
from sla.tasks import update_sla_lifecycle
from tests.sla.factories import (
    days,
    line,
    make_approved,
    make_draft,
    make_people,
    sign_both,
)

pytestmark = pytest.mark.django_db

CUSTOM_TARGETS = [
    {"standard": "MSS-CONF-DOC-T", "threshold": "7", "target_pct": "95"},
    {"standard": "MSS-CONF-DOC-A", "target_pct": "99.5"},
]


@pytest.fixture
def people():
    return make_people()


def fresh(sla: Sla) -> Sla:
    return Sla.objects.get(pk=sla.pk)


def recipients(verb: str) -> set:
    return set(Notification.objects.filter(verb=verb).values_list("user__username", flat=True))


def mailed_to() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


class TestSubmitAndSign:
    def test_submit_records_when_and_moves_to_submitted(self, people):
        sla = make_draft(people)
        before = timezone.now()
        sla_submit(sla=sla, user=people.staff)
        sla = fresh(sla)
        assert sla.status == SlaStatus.SUBMITTED
        assert before <= sla.submitted_at <= timezone.now()

    def test_client_signature_alone_keeps_it_submitted(self, people):
        sla = make_draft(people)
        sla_submit(sla=sla, user=people.staff)
        sla_approve(sla=sla, user=people.focal)
        sla = fresh(sla)
        assert sla.status == SlaStatus.SUBMITTED
        assert sla.client_signed_by == people.focal
        assert sla.client_signed_at is not None
        assert (sla.provider_signed_by, sla.provider_signed_at, sla.approved_at) == (
            None,
            None,
            None,
        )

    @pytest.mark.parametrize("first", ["focal", "manager"])
    def test_both_signatures_approve_it_whoever_signs_first(self, people, first):
        sla = make_draft(people)
        sla_submit(sla=sla, user=people.staff)
        second = "manager" if first == "focal" else "focal"
        sla_approve(sla=sla, user=people[first])
        sla_approve(sla=sla, user=people[second])
        sla = fresh(sla)
        assert sla.status == SlaStatus.APPROVED
        assert (sla.client_signed_by, sla.provider_signed_by) == (people.focal, people.manager)
        assert sla.client_signed_at is not None
        assert sla.provider_signed_at is not None
        assert sla.approved_at == max(sla.client_signed_at, sla.provider_signed_at)
        assert allowed_actions(sla=sla, user=people.focal) == {"terminate"}

    def test_cannot_submit_without_lines(self, people):
        sla = make_draft(people)
        sla.lines.all().delete()
        with pytest.raises(ApplicationError):
            sla_submit(sla=sla, user=people.staff)
        assert fresh(sla).status == SlaStatus.DRAFT


class TestActivationAndExpiry:
    def test_active_at_once_when_the_start_date_has_passed(self, people):
        sla = make_approved(people, start=days(-3), end=days(300))
        assert fresh(sla).status == SlaStatus.ACTIVE

    def test_active_at_once_when_it_starts_today(self, people):
        sla = make_approved(people, start=days(0), end=days(300))
        assert fresh(sla).status == SlaStatus.ACTIVE

    def test_approved_future_sla_waits_for_its_start_date(self, people):
        sla = make_approved(people, start=days(20), end=days(300))
        assert slas_update_lifecycle(today=days(19))["activated"] == 0
        assert fresh(sla).status == SlaStatus.APPROVED
        assert slas_update_lifecycle(today=days(20))["activated"] == 1
        assert fresh(sla).status == SlaStatus.ACTIVE

    def test_running_the_update_again_changes_nothing(self, people):
        sla = make_approved(people, start=days(20), end=days(300))
        slas_update_lifecycle(today=days(20))
        history = sla.history.count()
        assert slas_update_lifecycle(today=days(21)) == {
            "activated": 0,
            "expired": 0,
            "expiry_notices": 0,
        }
        assert sla.history.count() == history

    def test_expires_the_day_after_its_end_date(self, people):
        sla = make_approved(people, start=days(-10), end=days(40))
        assert slas_update_lifecycle(today=days(40))["expired"] == 0
        assert fresh(sla).status == SlaStatus.ACTIVE
        assert slas_update_lifecycle(today=days(41))["expired"] == 1
        assert fresh(sla).status == SlaStatus.EXPIRED

    def test_an_approved_sla_never_activated_expires_after_its_end(self, people):
        sla = make_approved(people, start=days(20), end=days(60))
        slas_update_lifecycle(today=days(61))
        assert fresh(sla).status == SlaStatus.EXPIRED

    def test_approving_after_the_end_date_expires_it_at_once(self, people):
        sla = make_approved(people, start=days(-60), end=days(-1))
        assert fresh(sla).status == SlaStatus.EXPIRED

    def test_terminated_and_superseded_slas_do_not_expire(self, people):
        terminated = make_approved(people, start=days(-10), end=days(40))
        sla_terminate(sla=terminated, user=people.focal, reason="Closed.", termination_date=days(0))
        original = make_approved(people, start=days(-10), end=days(40), lines=[line("CONF-MTG")])
        amendment = sla_amend(sla=original, user=people.staff)
        sla_submit(sla=amendment, user=people.staff)
        sign_both(amendment, people)
        assert slas_update_lifecycle(today=days(100))["expired"] == 1
        assert fresh(terminated).status == SlaStatus.TERMINATED
        assert fresh(original).status == SlaStatus.SUPERSEDED
        assert fresh(amendment).status == SlaStatus.EXPIRED

    def test_the_daily_task_runs_the_same_update(self, people):
        sla = make_approved(people, start=days(5), end=days(20))
        assert update_sla_lifecycle.delay().get() == {
            "activated": 0,
            "expired": 0,
            "expiry_notices": 1,
        }
        assert update_sla_lifecycle.delay().get()["expiry_notices"] == 0
        assert fresh(sla).status == SlaStatus.APPROVED
        assert fresh(sla).expiry_notified_at is not None


class TestTerminate:
    def test_keeps_the_termination_date_and_reason(self, people):
        sla = make_approved(people, start=days(-30), end=days(300))
        sla_terminate(
            sla=sla, user=people.focal, reason="  The office closes.  ", termination_date=days(5)
        )
        sla = fresh(sla)
        assert sla.status == SlaStatus.TERMINATED
        assert (sla.termination_date, sla.termination_reason) == (days(5), "The office closes.")
        assert sla.in_force_until == days(5)
        slas_update_lifecycle(today=days(301))
        sla = fresh(sla)
        assert (sla.status, sla.termination_date) == (SlaStatus.TERMINATED, days(5))

    def test_defaults_to_today(self, people):
        sla = make_approved(people, start=days(-30), end=days(300))
        sla_terminate(sla=sla, user=people.manager, reason="Budget cut.")
        assert fresh(sla).termination_date == days(0)

    def test_approved_sla_may_end_before_it_begins(self, people):
        sla = make_approved(people, start=days(30), end=days(300))
        sla_terminate(
            sla=sla, user=people.manager, reason="Never needed.", termination_date=days(29)
        )
        assert fresh(sla).in_force_until == days(29)

    @pytest.mark.parametrize(
        ("reason", "when", "field"),
        [
            ("", None, "reason"),
            ("   ", None, "reason"),
            ("Ok.", -40, "termination_date"),
            ("Ok.", 301, "termination_date"),
        ],
    )
    def test_rejects_a_missing_reason_or_a_date_outside_the_period(
        self, people, reason, when, field
    ):
        sla = make_approved(people, start=days(-30), end=days(300))
        history = sla.history.count()
        with pytest.raises(ApplicationError) as caught:
            sla_terminate(
                sla=sla,
                user=people.manager,
                reason=reason,
                termination_date=None if when is None else days(when),
            )
        assert field in caught.value.errors
        sla = fresh(sla)
        assert (sla.status, sla.termination_date, sla.termination_reason) == (
            SlaStatus.ACTIVE,
            None,
            "",
        )
        assert sla.history.count() == history


class TestReturn:
    def test_clears_signatures_and_keeps_the_comment(self, people):
        sla = make_draft(people)
        sla_submit(sla=sla, user=people.staff)
        sla_approve(sla=sla, user=people.focal)
        sla_return(sla=sla, user=people.manager, comment="  Rates are last year's.  ")
        sla = fresh(sla)
        assert sla.status == SlaStatus.DRAFT
        assert sla.return_comment == "Rates are last year's."
        assert (sla.client_signed_by, sla.client_signed_at) == (None, None)
        assert (sla.provider_signed_by, sla.provider_signed_at) == (None, None)
        assert allowed_actions(sla=sla, user=people.staff) == {"edit", "submit"}

    def test_returned_draft_can_be_edited_resubmitted_and_signed_again(self, people):
        sla = make_draft(people)
        sla_submit(sla=sla, user=people.staff)
        sla_return(sla=sla, user=people.focal, comment="Add meetings.")
        sla_update_draft(sla=sla, user=people.staff, lines=[line("CONF-DOC"), line("CONF-MTG")])
        sla_submit(sla=sla, user=people.staff)
        sign_both(sla, people)
        sla = fresh(sla)
        assert sla.status == SlaStatus.APPROVED
        assert sla.lines.count() == 2

    @pytest.mark.parametrize("comment", ["", "   ", None])
    def test_requires_a_comment(self, people, comment):
        sla = make_draft(people)
        sla_submit(sla=sla, user=people.staff)
        with pytest.raises(ApplicationError) as caught:
            sla_return(sla=sla, user=people.focal, comment=comment)
        assert caught.value.errors == {"comment": ["required"]}
        assert fresh(sla).status == SlaStatus.SUBMITTED


class TestAmend:
    def test_creates_the_next_version_as_a_draft_copying_lines_and_targets(self, people):
        original = make_approved(
            people,
            start=days(-30),
            end=days(300),
            lines=[line("CONF-DOC", volume=40, targets=CUSTOM_TARGETS), line("CONF-MTG")],
            notes="First year.",
        )
        amendment = sla_amend(sla=original, user=people.staff)
        assert amendment.agreement == original.agreement
        assert (amendment.version, amendment.status) == (2, SlaStatus.DRAFT)
        assert amendment.supersedes == original
        assert (amendment.start_date, amendment.end_date) == (days(0), days(300))
        assert amendment.notes == "First year."
        assert amendment.created_by == people.staff
        assert (amendment.client_signed_at, amendment.provider_signed_at) == (None, None)

        def figures(sla):
            return sorted(
                (
                    t.line.offering_id,
                    t.line.expected_volume,
                    t.line.cost_recovery_rate,
                    t.standard.code,
                    t.kind,
                    t.threshold,
                    t.clock,
                    t.target_pct,
                )
                for t in ServiceLevelTarget.objects.filter(line__sla=sla).select_related(
                    "line", "standard"
                )
            )

        assert figures(amendment) == figures(original)
        assert ("MSS-CONF-DOC-T", Decimal(7), Decimal(95)) in {
            (row[3], row[5], row[7]) for row in figures(amendment)
        }
        assert set(amendment.lines.values_list("pk", flat=True)).isdisjoint(
            original.lines.values_list("pk", flat=True)
        )
        assert fresh(original).status == SlaStatus.ACTIVE

    def test_amendment_of_a_future_sla_keeps_its_start_date(self, people):
        original = make_approved(people, start=days(30), end=days(300))
        assert sla_amend(sla=original, user=people.manager).start_date == days(30)

    def test_approving_the_amendment_supersedes_the_original(self, people):
        original = make_approved(people, start=days(-30), end=days(300))
        amendment = sla_amend(sla=original, user=people.staff)
        sla_update_draft(sla=amendment, user=people.staff, lines=[line("CONF-DOC", volume=999)])
        sla_submit(sla=amendment, user=people.staff)
        sla_approve(sla=amendment, user=people.focal)
        assert fresh(original).status == SlaStatus.ACTIVE
        sla_approve(sla=amendment, user=people.manager)
        assert fresh(original).status == SlaStatus.SUPERSEDED
        assert fresh(amendment).status == SlaStatus.ACTIVE
        assert fresh(original).lines.get().expected_volume == 100

    def test_returned_amendment_leaves_the_original_in_force(self, people):
        original = make_approved(people, start=days(-30), end=days(300))
        amendment = sla_amend(sla=original, user=people.staff)
        sla_submit(sla=amendment, user=people.staff)
        sla_return(sla=amendment, user=people.focal, comment="No change needed.")
        assert fresh(original).status == SlaStatus.ACTIVE
        assert fresh(amendment).status == SlaStatus.DRAFT

    def test_a_third_version_follows_the_second(self, people):
        original = make_approved(people, start=days(-30), end=days(300))
        second = sla_amend(sla=original, user=people.staff)
        sla_submit(sla=second, user=people.staff)
        sign_both(second, people)
        third = sla_amend(sla=second, user=people.staff)
        assert (third.version, third.supersedes) == (3, fresh(second))
        assert third.agreement.number == original.agreement.number

    def test_amending_after_the_end_date_is_a_clear_error(self, people, monkeypatch):
        original = make_approved(people, start=days(-30), end=days(0))
        assert fresh(original).status == SlaStatus.ACTIVE
        tomorrow = days(1)
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
        count = Sla.objects.count()
        with pytest.raises(ApplicationError):
            sla_amend(sla=original, user=people.staff)
        assert Sla.objects.count() == count


class TestHistory:
    def test_every_step_is_kept_with_the_acting_user(self, people):
        sla = make_draft(people)
        sla_submit(sla=sla, user=people.staff)
        sla_return(sla=sla, user=people.focal, comment="Fix it.")
        sla_submit(sla=sla, user=people.manager)
        sla_approve(sla=sla, user=people.focal)
        sla_approve(sla=sla, user=people.manager)
        sla_terminate(sla=sla, user=people.focal, reason="Done.", termination_date=sla.start_date)
        steps = [
            (record.history_change_reason, record.history_user, record.status)
            for record in sla.history.order_by("history_date", "history_id")
        ]
        assert steps == [
            ("registered", people.staff, SlaStatus.DRAFT),
            ("submitted", people.staff, SlaStatus.SUBMITTED),
            ("returned to draft", people.focal, SlaStatus.DRAFT),
            ("submitted", people.manager, SlaStatus.SUBMITTED),
            ("signed", people.focal, SlaStatus.SUBMITTED),
            ("signed", people.manager, SlaStatus.SUBMITTED),
            ("approved", people.manager, SlaStatus.APPROVED),
            ("terminated", people.focal, SlaStatus.TERMINATED),
        ]

    def test_activation_and_supersession_are_recorded(self, people):
        original = make_approved(people, start=days(-1), end=days(300))
        assert original.history.latest("history_date").history_change_reason == (
            "active from its start date"
        )
        amendment = sla_amend(sla=original, user=people.staff)
        sla_submit(sla=amendment, user=people.staff)
        sign_both(amendment, people)
        latest = original.history.order_by("history_date", "history_id").last()
        assert (latest.history_change_reason, latest.history_user, latest.status) == (
            "superseded by version 2",
            people.manager,
            SlaStatus.SUPERSEDED,
        )
        first = amendment.history.order_by("history_date", "history_id").first()
        assert (first.history_change_reason, first.history_user) == (
            "amendment of version 1",
            people.staff,
        )

    def test_daily_update_is_recorded_as_the_portal(self, people):
        sla = make_approved(people, start=days(20), end=days(300))
        slas_update_lifecycle(today=days(20))
        entry = sla_history(sla=sla)[0]
        assert (entry.who, entry.what) == ("the portal", "active from its start date")

    def test_sla_history_lists_who_did_what_newest_first(self, people):
        sla = make_draft(people)
        sla_submit(sla=sla, user=people.staff)
        sla_approve(sla=sla, user=people.focal)
        sla_approve(sla=sla, user=people.manager)
        entries = sla_history(sla=sla)
        assert [e.when for e in entries] == sorted((e.when for e in entries), reverse=True)
        own = [(e.what, e.who) for e in entries if not e.what.startswith(("service", "target"))]
        assert own == [
            ("approved", "Unon-Manager"),
            ("signed", "Unon-Manager"),
            ("signed", "Unep-Focal"),
            ("submitted", "Unon-Staff"),
            ("registered", "Unon-Staff"),
        ]
        submitted = next(e for e in entries if e.what == "submitted")
        assert "status: draft → submitted" in submitted.changes
        approved = next(e for e in entries if e.what == "signed" and e.who == "Unon-Manager")
        assert any("provider signed by: — → Unon-Manager" in c for c in approved.changes)
        assert any(e.what == "service added" for e in entries)

    def test_lines_added_are_kept_with_the_acting_user(self, people):
        sla = make_draft(people)
        sla_update_draft(sla=sla, user=people.manager, lines=[line("CONF-MTG")])
        added = [e for e in sla_history(sla=sla) if e.what == "service added"]
        assert [e.who for e in added] == ["Unon-Manager", "Unon-Staff"]

    def test_sla_history_shows_the_targets_set(self, people):
        sla = make_draft(people, lines=[line("CONF-DOC", targets=CUSTOM_TARGETS)])
        text = " ".join(f"{e.what} {' '.join(e.changes)}" for e in sla_history(sla=sla))
        assert "MSS-CONF-DOC-T" in text


class TestComparison:
    def test_shows_the_changed_volume_and_target_side_by_side(self, people):
        original = make_approved(people, start=days(-30), end=days(300))
        amendment = sla_amend(sla=original, user=people.staff)
        raw = [{"standard": "MSS-CONF-DOC-T", "threshold": "8"}]
        sla_update_draft(
            sla=amendment, user=people.staff, lines=[line("CONF-DOC", volume=5, targets=raw)]
        )
        rows = {row.label: row for row in sla_comparison(left=original, right=fresh(amendment))}
        assert (rows["Version"].left, rows["Version"].right) == ("1", "2")
        assert (rows["CONF-DOC volume"].left, rows["CONF-DOC volume"].right) == ("100", "5")
        changed = rows["CONF-DOC · MSS-CONF-DOC-T"]
        assert (changed.left, changed.right) == (
            "90% within 10 working days",
            "90% within 8 working days",
        )
        assert changed.differs
        assert not rows["CONF-DOC · MSS-CONF-DOC-A"].differs


class TestNotifications:
    """The in-app notifications are written with the change; the e-mails leave when it
    commits (``committed``: the test's own transaction never does)."""

    @pytest.fixture(autouse=True)
    def _commits(self, django_capture_on_commit_callbacks):
        self.commits = django_capture_on_commit_callbacks

    def committed(self):
        return self.commits(execute=True)

    def test_submit_notifies_client_focal_points_and_provider_managers(self, people):
        sla = make_draft(people)
        mail.outbox.clear()
        with self.committed():
            sla_submit(sla=sla, user=people.staff)
        assert recipients("sla.submitted") == {"unep-focal", "unon-manager"}
        assert mailed_to() == ["unep-focal@un.example", "unon-manager@un.example"]
        assert all(str(sla) in m.subject for m in mail.outbox)
        note = Notification.objects.filter(verb="sla.submitted").first()
        assert note.url == f"/slas/{sla.pk}/"
        assert f"/slas/{sla.pk}/" in mail.outbox[0].body

    def test_first_signature_notifies_nobody(self, people):
        sla = make_draft(people)
        sla_submit(sla=sla, user=people.staff)
        count, sent = Notification.objects.count(), len(mail.outbox)
        with self.committed():
            sla_approve(sla=sla, user=people.focal)
        assert (Notification.objects.count(), len(mail.outbox)) == (count, sent)

    def test_approval_notifies_both_sides(self, people):
        sla = make_draft(people)
        sla_submit(sla=sla, user=people.staff)
        sla_approve(sla=sla, user=people.focal)
        mail.outbox.clear()
        with self.committed():
            sla_approve(sla=sla, user=people.manager)
        assert recipients("sla.approved") == {"unon-staff", "unon-manager", "unep-focal"}
        assert mailed_to() == [
            "unep-focal@un.example",
            "unon-manager@un.example",
            "unon-staff@un.example",
        ]

    def test_return_notifies_the_provider_side_with_the_comment(self, people):
        sla = make_draft(people)
        sla_submit(sla=sla, user=people.staff)
        mail.outbox.clear()
        with self.committed():
            sla_return(sla=sla, user=people.focal, comment="Volumes look doubled.")
        assert recipients("sla.returned") == {"unon-staff", "unon-manager"}
        assert all(
            "Volumes look doubled." in n.message
            for n in Notification.objects.filter(verb="sla.returned")
        )
        assert mailed_to() == ["unon-manager@un.example", "unon-staff@un.example"]
        assert all("Volumes look doubled." in m.body for m in mail.outbox)

    def test_terminate_notifies_everyone(self, people):
        sla = make_approved(people, start=days(-30), end=days(300))
        mail.outbox.clear()
        with self.committed():
            sla_terminate(sla=sla, user=people.manager, reason="Entity merged.")
        assert recipients("sla.terminated") == {"unon-staff", "unon-manager", "unep-focal"}
        assert len(mail.outbox) == 3
        assert all("Entity merged." in m.body for m in mail.outbox)

    def test_a_change_rolled_back_notifies_nobody(self, people):
        sla = make_draft(people)
        mail.outbox.clear()
        with self.committed(), pytest.raises(RuntimeError), transaction.atomic():
            sla_submit(sla=sla, user=people.staff)
            raise RuntimeError("a later step of the same change fails")
        assert fresh(sla).status == SlaStatus.DRAFT
        assert not Notification.objects.filter(verb="sla.submitted").exists()
        assert mail.outbox == []  # before, the e-mails had already left

    def test_nobody_outside_the_agreement_is_notified(self, people):
        sla = make_approved(people, start=days(-30), end=days(300))
        sla_terminate(sla=sla, user=people.manager, reason="Entity merged.")
        outsiders = [people.other_staff, people.other_focal, people.catalogue, people.management]
        assert not Notification.objects.filter(user__in=outsiders).exists()

    def test_inactive_users_are_not_notified(self, people):
        people.focal.is_active = False
        people.focal.save()
        sla = make_draft(people)
        sla_submit(sla=sla, user=people.staff)
        assert recipients("sla.submitted") == {"unon-manager"}

    def test_expiry_notice_is_sent_once_thirty_days_ahead(self, people):
        sla = make_approved(people, start=days(-30), end=days(300))
        mail.outbox.clear()
        with self.committed():
            assert slas_update_lifecycle(today=days(269))["expiry_notices"] == 0
            assert slas_update_lifecycle(today=days(270))["expiry_notices"] == 1
            assert slas_update_lifecycle(today=days(270))["expiry_notices"] == 0
            assert slas_update_lifecycle(today=days(280))["expiry_notices"] == 0
        assert recipients("sla.expiring") == {"unon-staff", "unon-manager", "unep-focal"}
        assert Notification.objects.filter(verb="sla.expiring").count() == 3
        assert len(mail.outbox) == 3
        assert fresh(sla).expiry_notified_at is not None

    def test_no_expiry_notice_for_drafts_or_terminated_slas(self, people):
        make_draft(people, start=days(-30), end=days(10), lines=[line("CONF-MTG")])
        terminated = make_approved(people, start=days(-30), end=days(10))
        sla_terminate(sla=terminated, user=people.manager, reason="Closed.")
        assert slas_update_lifecycle(today=days(0))["expiry_notices"] == 0
        assert not Notification.objects.filter(verb="sla.expiring").exists()


class TestAgreementSections:
    def test_fills_every_placeholder(self, people):
        sla = make_approved(
            people,
            start=days(-30),
            end=days(300),
            lines=[line("CONF-DOC", volume=40, targets=CUSTOM_TARGETS), line("CONF-MTG")],
        )
        sections = agreement_sections(sla=sla_detail(user=people.management, pk=sla.pk))
        assert len(sections) == 8
        text = "\n".join(f"{s.title}\n{s.text}" for s in sections)
        assert "{{" not in text
        assert "{%" not in text
        assert sla.provider.name in text
        assert sla.client.name in text
        assert sla.agreement.number in text
        assert "CONF-DOC" in text and "CONF-MTG" in text
        assert "95% within 7 working days" in text
        assert "114.00 USD per page" in text
        assert "Unep-Focal" in text and "Unon-Manager" in text
        assert "(not yet signed)" not in text

    def test_unsigned_draft_says_so(self, people):
        sla = make_draft(people)
        text = agreement_sections(sla=sla)[-1].text
        assert text.count("(not yet signed)") == 2

    def _template(self, bodies: list[str]) -> SlaTemplate:
        template = SlaTemplate.objects.create(
            version=900, title="Broken template", published_on=dt.date(2026, 1, 1)
        )
        keys = ["parties", "scope", "service_levels", "term"]
        for order, body in enumerate(bodies):
            SlaTemplateSection.objects.create(
                template=template, order=order, key=keys[order], title=f"S{order}", body=body
            )
        return template

    @pytest.mark.parametrize(
        "broken",
        [
            "{% for line in lines %}{{ line.service_code }}",
            "{% nosuchtag %}",
            "{{ provider.name|nosuchfilter }}",
            "{% load humanize %}",
            "{% if %}x{% endif %}",
        ],
    )
    def test_a_section_with_a_syntax_error_shows_a_clear_message(self, people, broken):
        sla = make_draft(people)
        Sla.objects.filter(pk=sla.pk).update(template=self._template(["{{ client.name }}", broken]))
        sections = agreement_sections(sla=fresh(sla))
        assert sections[0].text == sla.client.name
        assert sections[1].title == "S1"
        assert sections[1].text.startswith("[This section of the template cannot be filled in: ")

    @pytest.mark.parametrize("broken", ['{% include "missing.txt" %}', '{% url "nowhere" %}'])
    def test_a_section_failing_while_rendering_shows_a_clear_message(self, people, broken):
        sla = make_draft(people)
        Sla.objects.filter(pk=sla.pk).update(template=self._template(["{{ client.name }}", broken]))
        sections = agreement_sections(sla=fresh(sla))
        assert sections[1].text.startswith("[This section of the template cannot be filled in")
