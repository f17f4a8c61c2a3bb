"""The designation workflow (DOMAIN §9): request, approve, decline, withdraw, end; bad
input refused with the field named and nothing stored; the signal after commit."""

import datetime as dt

import pytest
from django.utils import timezone

from catalogue.choices import DesignationStatus
from catalogue.models import Designation, Service
from catalogue.selectors import designated_provider
from catalogue.services import (
    DesignationPermissionDenied,
    designation_approve,
    designation_decline,
    designation_end,
    designation_withdraw,
)
from catalogue.signals import designation_changed
from clients.models import ClientEntity
from core.exceptions import ApplicationError
from tests.catalogue.factories import approved, catalogue_manager, focal_point, request

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "focal": focal_point("UNEP", username="unep-focal"),
        "other": focal_point("UNAMA", username="unama-focal"),
        "curator": catalogue_manager(username="curator"),
    }


def _counts():
    return Designation.objects.count(), Designation.history.count()


class TestWorkflow:
    def test_request_then_approve_keeps_who_when_and_why(self, people):
        pending = request(people["focal"])
        assert pending.status == DesignationStatus.REQUESTED
        assert pending.requested_by == people["focal"] and pending.requested_at
        service = Service.objects.get(code="ICT-HST")
        unep = ClientEntity.objects.get(code="UNEP")
        # Pending requests never count.
        assert (
            designated_provider(client=unep, service=service, on=dt.date(2030, 6, 1)).provider.code
            == "UNON"
        )
        done = designation_approve(user=people["curator"], designation=pending, reason="Agreed.")
        assert (done.status, done.decided_by, done.decision_reason) == (
            DesignationStatus.APPROVED, people["curator"], "Agreed.",
        )  # fmt: skip
        # The service-level designation overrides UNON's area-level ICT one from 2030.
        assert (
            designated_provider(client=unep, service=service, on=dt.date(2030, 6, 1)).provider.code
            == "UNICTF"
        )
        assert (
            designated_provider(
                client=unep, service=service, on=dt.date(2029, 12, 31)
            ).provider.code
            == "UNON"
        )
        history = list(
            done.history.order_by("history_date").values_list(
                "history_change_reason", "history_user"
            )
        )
        assert history == [("requested", people["focal"].pk), ("approved", people["curator"].pk)]

    def test_decline_needs_a_reason_and_keeps_it(self, people):
        pending = request(people["focal"])
        before = _counts()
        with pytest.raises(ApplicationError) as refused:
            designation_decline(user=people["curator"], designation=pending, reason="  ")
        assert "reason" in refused.value.errors
        assert _counts() == before
        done = designation_decline(user=people["curator"], designation=pending, reason="No need.")
        assert (done.status, done.decision_reason) == (DesignationStatus.DECLINED, "No need.")

    def test_deciding_twice_is_refused(self, people):
        pending = request(people["focal"])
        designation_approve(user=people["curator"], designation=pending)
        for decide in (
            lambda: designation_approve(user=people["curator"], designation=pending),
            lambda: designation_decline(user=people["curator"], designation=pending, reason="x"),
            lambda: designation_withdraw(user=people["focal"], designation=pending),
        ):
            with pytest.raises(ApplicationError) as refused:
                decide()
            assert "status" in refused.value.errors

    def test_the_requesting_entity_withdraws_a_pending_request(self, people):
        pending = request(people["focal"])
        with pytest.raises(DesignationPermissionDenied):
            designation_withdraw(user=people["other"], designation=pending)
        assert designation_withdraw(user=people["focal"], designation=pending).status == "withdrawn"

    def test_only_catalogue_managers_decide(self, people):
        pending = request(people["focal"])
        for user in (people["focal"], people["other"]):
            with pytest.raises(DesignationPermissionDenied):
                designation_approve(user=user, designation=pending)
            with pytest.raises(DesignationPermissionDenied):
                designation_decline(user=user, designation=pending, reason="x")
        assert Designation.objects.get(pk=pending.pk).status == DesignationStatus.REQUESTED

    def test_end_sets_the_last_day_never_retroactively(self, people):
        done = approved(people["focal"], people["curator"])
        today = timezone.localdate()
        with pytest.raises(ApplicationError) as refused:
            designation_end(
                user=people["curator"],
                designation=done,
                valid_to=today - dt.timedelta(days=1),
                reason="x",
            )
        assert "valid_to" in refused.value.errors
        with pytest.raises(ApplicationError) as refused:
            designation_end(
                user=people["curator"], designation=done, valid_to=dt.date(2031, 1, 1), reason=""
            )
        assert "reason" in refused.value.errors
        with pytest.raises(DesignationPermissionDenied):
            designation_end(
                user=people["focal"], designation=done, valid_to=dt.date(2031, 1, 1), reason="x"
            )
        ended = designation_end(
            user=people["curator"], designation=done, valid_to=dt.date(2031, 1, 1), reason="Moved."
        )
        assert (ended.valid_to, ended.end_reason, ended.ended_by) == (
            dt.date(2031, 1, 1),
            "Moved.",
            people["curator"],
        )

    def test_the_signal_is_sent_after_commit_with_the_action(
        self, people, django_capture_on_commit_callbacks
    ):
        heard = []

        def receiver(sender, designation, action, **kwargs):
            heard.append((designation.pk, action))

        designation_changed.connect(receiver)
        try:
            with django_capture_on_commit_callbacks(execute=False) as callbacks:
                pending = request(people["focal"])
            assert heard == []  # nothing before commit
            for callback in callbacks:
                callback()
            with django_capture_on_commit_callbacks(execute=True):
                designation_approve(user=people["curator"], designation=pending)
            with django_capture_on_commit_callbacks(execute=True):
                designation_end(
                    user=people["curator"],
                    designation=pending,
                    valid_to=dt.date(2031, 1, 1),
                    reason="r",
                )
            with django_capture_on_commit_callbacks(execute=True):
                other = request(people["focal"], service="ICT-TEL")
                designation_decline(user=people["curator"], designation=other, reason="no")
            with django_capture_on_commit_callbacks(execute=True):
                third = request(people["focal"], service="ICT-TEL")
                designation_withdraw(user=people["focal"], designation=third)
        finally:
            designation_changed.disconnect(receiver)
        assert [a for _, a in heard] == [
            "requested", "approved", "ended", "requested", "declined", "requested", "withdrawn",
        ]  # fmt: skip


class TestBadInput:
    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"valid_from": dt.date(2031, 1, 1), "valid_to": dt.date(2030, 1, 1)}, "valid_to"),
            ({"valid_from": dt.date(2020, 1, 1), "valid_to": dt.date(2021, 1, 1)}, "valid_to"),
            ({"area": "ICT"}, "service"),  # both
            ({"service": None}, "service"),  # neither
            ({"provider": "KJSO"}, "provider"),  # does not offer ICT-HST
            ({"client": "UNAMA"}, "client"),  # not the user's entity
            ({"basis": "x" * 4001}, "basis"),
        ],
    )
    def test_refused_with_the_field_named_and_nothing_stored(self, people, overrides, field):
        before = _counts()
        with pytest.raises(ApplicationError) as refused:
            request(people["focal"], **overrides)
        assert field in refused.value.errors
        assert _counts() == before

    def test_an_overlapping_approved_designation_is_refused(self, people):
        approved(people["focal"], people["curator"], valid_to=dt.date(2031, 12, 31))
        with pytest.raises(ApplicationError) as refused:
            request(people["focal"], provider="UNGSC", valid_from=dt.date(2031, 6, 1))
        assert "UNICTF" in refused.value.message and "overlap" in refused.value.message
        # Two pending requests may overlap; the second approval is refused.
        first = request(people["focal"], service="ICT-TEL", valid_from=dt.date(2032, 1, 1))
        second = request(
            people["focal"], service="ICT-TEL", provider="UNGSC", valid_from=dt.date(2032, 6, 1)
        )
        designation_approve(user=people["curator"], designation=first)
        with pytest.raises(ApplicationError) as refused:
            designation_approve(user=people["curator"], designation=second)
        assert "valid_from" in refused.value.errors
        assert Designation.objects.get(pk=second.pk).status == DesignationStatus.REQUESTED

    def test_an_area_level_request_overlapping_the_area_is_refused(self, people):
        with pytest.raises(ApplicationError) as refused:
            request(people["focal"], provider="UNICTF", service=None, area="ICT")
        assert "UNON" in refused.value.message
