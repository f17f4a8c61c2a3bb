"""Services of SLAs: who may do what in which state, targets checked against the minimum
service standards, and overlapping agreements (DOMAIN §1, §5, §6)."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.choices import Role
from catalogue.choices import Clock, MeasureKind
from core.exceptions import ApplicationError
from sla.choices import SlaStatus
from sla.models import ServiceLevelTarget, Sla
from sla.services import (
    LineInput,
    PermissionDeniedForAction,
    allowed_actions,
    find_overlap,
    sla_amend,
    sla_approve,
    sla_create,
    sla_return,
    sla_submit,
    sla_terminate,
    sla_update_draft,
    target_inputs,
    weaker_than_standard,
)
from tests.factories import user_with_role
from tests.sla.factories import (
    ACTIONS,
    client,
    days,
    line,
    make_approved,
    make_draft,
    make_people,
    offering,
    provider,
    sla_in,
    snapshot,
    standard,
    table_counts,
    target,
)

pytestmark = pytest.mark.django_db

ROLE_KEYS = (
    "staff",  # provider staff of UNON, the SLA's provider
    "manager",  # provider manager of UNON
    "other_staff",  # provider staff of KJSO, another provider
    "focal",  # client focal point of UNEP, the SLA's client
    "other_focal",  # client focal point of UN-HABITAT, another client
    "catalogue",  # catalogue manager
    "management",  # management
    "integration",  # UNON's integration account
)
STATES = (
    "draft",
    "submitted",
    "submitted_client_signed",
    "submitted_provider_signed",
    "approved",
    "active",
    "terminated",
    "expired",
    "superseded",
)
SIGN = {"approve", "return"}
# DOMAIN §6 and the service docstrings: provider staff (and managers, who may also
# register SLAs) edit and submit drafts; the client focal point and the provider manager
# each sign or return once; either of them terminates; the provider side amends.
EXPECTED = {
    ("staff", "draft"): {"edit", "submit"},
    ("staff", "approved"): {"amend"},
    ("staff", "active"): {"amend"},
    ("manager", "draft"): {"edit", "submit"},
    ("manager", "submitted"): SIGN,
    ("manager", "submitted_client_signed"): SIGN,
    ("manager", "approved"): {"terminate", "amend"},
    ("manager", "active"): {"terminate", "amend"},
    ("focal", "submitted"): SIGN,
    ("focal", "submitted_provider_signed"): SIGN,
    ("focal", "approved"): {"terminate"},
    ("focal", "active"): {"terminate"},
}
MATRIX = [(role, state) for role in ROLE_KEYS for state in STATES]
ALLOWED = [
    (role, state, action)
    for (role, state), actions in EXPECTED.items()
    for action in sorted(actions)
]


def expected(role: str, state: str) -> set[str]:
    return EXPECTED.get((role, state), set())


def perform(action: str, *, sla: Sla, user):
    """Call the service behind ``action`` with valid arguments."""
    if action == "edit":
        return sla_update_draft(sla=sla, user=user, notes="Edited.", lines=[line("CONF-MTG")])
    if action == "submit":
        return sla_submit(sla=sla, user=user)
    if action == "approve":
        return sla_approve(sla=sla, user=user)
    if action == "return":
        return sla_return(sla=sla, user=user, comment="Volumes are too high.")
    if action == "terminate":
        return sla_terminate(
            sla=sla, user=user, reason="Mandate ended.", termination_date=sla.start_date
        )
    if action == "amend":
        return sla_amend(sla=sla, user=user)
    raise ValueError(action)


@pytest.fixture
def people():
    return make_people()


class TestAllowedActions:
    @pytest.mark.parametrize(("role", "state"), MATRIX, ids=[f"{r}-{s}" for r, s in MATRIX])
    def test_gives_exactly_the_actions_of_the_role_in_the_state(self, people, role, state):
        sla = sla_in(state, people)
        assert allowed_actions(sla=sla, user=people[role]) == expected(role, state)

    def test_amend_is_not_offered_twice_while_an_amendment_is_pending(self, people):
        sla = make_approved(people, start=days(-5))
        sla_amend(sla=sla, user=people.staff)
        assert "amend" not in allowed_actions(sla=sla, user=people.staff)
        assert allowed_actions(sla=sla, user=people.manager) == {"terminate"}

    def test_a_user_with_no_membership_may_do_nothing(self, people):
        from tests.factories import UserFactory

        sla = make_draft(people)
        assert allowed_actions(sla=sla, user=UserFactory()) == set()

    def test_provider_manager_of_another_provider_may_not_sign(self, people):
        sla = sla_in("submitted", people)
        kjso_manager = user_with_role(Role.PROVIDER_MANAGER, provider=provider("KJSO"))
        assert allowed_actions(sla=sla, user=kjso_manager) == set()


class TestForbiddenTransitions:
    @pytest.mark.parametrize(("role", "state"), MATRIX, ids=[f"{r}-{s}" for r, s in MATRIX])
    def test_raise_permission_denied_and_change_nothing(self, people, role, state, subtests):
        sla = sla_in(state, people)
        user = people[role]
        for action in ACTIONS:
            if action in expected(role, state):
                continue
            with subtests.test(action=action):
                before = snapshot(sla)
                with pytest.raises(PermissionDeniedForAction) as caught:
                    perform(action, sla=sla, user=user)
                assert caught.value.status_code == 403
                assert caught.value.errors == {"status": [before["sla"]["status"]]}
                assert snapshot(sla) == before

    def test_permission_denied_message_names_the_action_and_the_status(self, people):
        sla = sla_in("draft", people)
        with pytest.raises(PermissionDeniedForAction) as caught:
            sla_approve(sla=sla, user=people.focal)
        assert caught.value.message == f"You cannot approve {sla} while it is draft."

    def test_a_side_that_signed_cannot_sign_again(self, people):
        sla = sla_in("submitted_client_signed", people)
        signed_at = sla.client_signed_at
        with pytest.raises(PermissionDeniedForAction):
            sla_approve(sla=sla, user=people.focal)
        sla.refresh_from_db()
        assert sla.client_signed_at == signed_at
        assert sla.status == SlaStatus.SUBMITTED


class TestAllowedTransitions:
    @pytest.mark.parametrize(
        ("role", "state", "action"), ALLOWED, ids=["-".join(a) for a in ALLOWED]
    )
    def test_succeed_for_the_role_in_the_state(self, people, role, state, action):
        sla = sla_in(state, people)
        user = people[role]
        result = perform(action, sla=sla, user=user)
        sla.refresh_from_db()
        if action == "edit":
            assert (sla.status, sla.notes) == (SlaStatus.DRAFT, "Edited.")
            assert [ln.offering.service.code for ln in sla.lines.all()] == ["CONF-MTG"]
        elif action == "submit":
            assert sla.status == SlaStatus.SUBMITTED
        elif action == "approve":
            signer = sla.client_signed_by if role == "focal" else sla.provider_signed_by
            assert signer == user
        elif action == "return":
            assert sla.status == SlaStatus.DRAFT
        elif action == "terminate":
            assert sla.status == SlaStatus.TERMINATED
        elif action == "amend":
            assert (result.version, result.status, result.supersedes) == (
                2,
                SlaStatus.DRAFT,
                sla,
            )


class TestSlaCreate:
    def test_registers_a_numbered_draft_from_the_current_template(self, people):
        sla = make_draft(people, start=dt.date(2031, 1, 1), end=dt.date(2031, 12, 31))
        assert sla.agreement.number == "SLA-UNON-UNEP-2031-001"
        assert (sla.version, sla.status, sla.created_by) == (1, SlaStatus.DRAFT, people.staff)
        assert sla.template.is_current
        second = make_draft(people, start=dt.date(2031, 1, 1), lines=[line("CONF-MTG")])
        assert second.agreement.number == "SLA-UNON-UNEP-2031-002"

    def test_copies_the_offering_rate_to_the_line(self, people):
        sla = make_draft(people, lines=[line("CONF-DOC", volume=250)])
        stored = sla.lines.get()
        assert stored.expected_volume == 250
        assert (stored.cost_recovery_rate, stored.currency, stored.rate_unit) == (
            Decimal("114.00"),
            "USD",
            "per page",
        )

    def test_line_without_targets_carries_every_standard_as_it_is(self, people):
        sla = make_draft(people, lines=[line("CONF-DOC")])
        targets = {t.standard.code: t for t in ServiceLevelTarget.objects.filter(line__sla=sla)}
        assert set(targets) == {"MSS-CONF-DOC-A", "MSS-CONF-DOC-T"}
        timely = targets["MSS-CONF-DOC-T"]
        assert (timely.kind, timely.threshold, timely.clock, timely.target_pct) == (
            MeasureKind.TIMELINESS,
            Decimal(10),
            Clock.WORKING_DAYS,
            Decimal(90),
        )
        accurate = targets["MSS-CONF-DOC-A"]
        assert (accurate.threshold, accurate.clock, accurate.target_pct) == (
            None,
            "",
            Decimal(98),
        )

    @pytest.mark.parametrize(
        "who",
        ["other_staff", "focal", "other_focal", "management", "integration"],
    )
    def test_only_the_providers_own_staff_register_its_slas(self, people, who):
        before = table_counts()
        with pytest.raises(ApplicationError) as caught:
            make_draft(people, user=people[who])
        assert caught.value.errors == {"provider": ["not yours"]}
        assert table_counts() == before

    def test_provider_manager_registers_too(self, people):
        assert make_draft(people, user=people.manager).created_by == people.manager


def rejected(people, *, message: str | None = None, errors: dict | None = None, **kwargs):
    """Assert that registering a draft with ``kwargs`` fails and stores nothing."""
    before = table_counts()
    with pytest.raises(ApplicationError) as caught:
        make_draft(people, **kwargs)
    assert not isinstance(caught.value, PermissionDeniedForAction)
    assert caught.value.status_code == 400
    if message is not None:
        assert message in caught.value.message
    if errors is not None:
        assert caught.value.errors == errors
    assert table_counts() == before
    return caught.value


class TestTargetsAgainstStandards:
    def test_accepts_targets_equal_to_the_standard(self, people):
        raw = [
            {"standard": "MSS-CONF-DOC-T", "threshold": "10", "clock": "working_days"},
            {"standard": "MSS-CONF-DOC-A", "target_pct": "98"},
        ]
        sla = make_draft(people, lines=[line("CONF-DOC", targets=raw)])
        assert sla.lines.get().targets.count() == 2

    @pytest.mark.parametrize(
        ("threshold", "target_pct"),
        [("9.5", "90"), ("10", "90.001"), ("0", "100"), ("1", "99")],
    )
    def test_accepts_stricter_timeliness_targets(self, people, threshold, target_pct):
        raw = [{"standard": "MSS-CONF-DOC-T", "threshold": threshold, "target_pct": target_pct}]
        sla = make_draft(people, lines=[line("CONF-DOC", targets=raw)])
        stored = ServiceLevelTarget.objects.get(line__sla=sla, standard__code="MSS-CONF-DOC-T")
        assert (stored.threshold, stored.target_pct) == (Decimal(threshold), Decimal(target_pct))
        assert stored.clock == Clock.WORKING_DAYS

    def test_keeps_the_standards_not_mentioned(self, people):
        raw = [{"standard": "MSS-CONF-DOC-T", "threshold": "8"}]
        sla = make_draft(people, lines=[line("CONF-DOC", targets=raw)])
        stored = {t.standard.code: t for t in ServiceLevelTarget.objects.filter(line__sla=sla)}
        assert stored["MSS-CONF-DOC-T"].threshold == Decimal(8)
        assert stored["MSS-CONF-DOC-T"].target_pct == Decimal(90)
        assert stored["MSS-CONF-DOC-A"].target_pct == Decimal(98)

    @pytest.mark.parametrize(
        ("values", "reason"),
        [
            ({"threshold": "10.01"}, "threshold is longer"),
            ({"threshold": "11"}, "threshold is longer"),
            ({"target_pct": "89.999"}, "target share is below"),
            ({"target_pct": "0"}, "target share is below"),
            ({"clock": "calendar_days"}, "clock must be working days"),
            ({"clock": "working_hours", "threshold": "1"}, "clock must be working days"),
            ({"clock": ""}, "clock must be working days"),
            ({"threshold": None}, "threshold is longer"),
        ],
    )
    def test_rejects_timeliness_target_weaker_than_standard(self, people, values, reason):
        raw = [{"standard": "MSS-CONF-DOC-T", **values}]
        error = rejected(people, lines=[line("CONF-DOC", targets=raw)])
        assert "MSS-CONF-DOC-T" in error.message
        assert reason in error.message
        assert error.errors["targets"][0].startswith("MSS-CONF-DOC-T: ")

    def test_rejects_weaker_target_on_a_calendar_day_standard(self, people):
        raw = [{"standard": "MSS-FIN-VEN-T", "threshold": "31"}]
        error = rejected(people, lines=[line("FIN-VEN", targets=raw)])
        assert "MSS-FIN-VEN-T" in error.message

    def test_accuracy_target_compares_only_the_share(self, people):
        raw = [
            {
                "standard": "MSS-CONF-DOC-A",
                "threshold": "999",
                "clock": "hours_24x7",
                "target_pct": "99",
            }
        ]
        sla = make_draft(people, lines=[line("CONF-DOC", targets=raw)])
        stored = ServiceLevelTarget.objects.get(line__sla=sla, standard__code="MSS-CONF-DOC-A")
        assert (stored.kind, stored.threshold, stored.clock, stored.target_pct) == (
            MeasureKind.ACCURACY,
            None,
            "",
            Decimal(99),
        )

    def test_rejects_accuracy_target_with_a_lower_share(self, people):
        raw = [{"standard": "MSS-CONF-DOC-A", "target_pct": "97.999"}]
        error = rejected(people, lines=[line("CONF-DOC", targets=raw)])
        assert "MSS-CONF-DOC-A" in error.message

    def test_satisfaction_target_compares_only_the_share(self, people):
        raw = [{"standard": "MSS-TRV-OFF-S", "threshold": "1", "clock": "calendar_days"}]
        sla = make_draft(people, lines=[line("TRV-OFF", targets=raw)])
        stored = ServiceLevelTarget.objects.get(line__sla=sla, standard__code="MSS-TRV-OFF-S")
        assert (stored.kind, stored.threshold, stored.clock, stored.target_pct) == (
            MeasureKind.SATISFACTION,
            None,
            "",
            Decimal(80),
        )

    def test_rejects_satisfaction_target_with_a_lower_share(self, people):
        raw = [{"standard": "MSS-TRV-OFF-S", "target_pct": "79.5"}]
        error = rejected(people, lines=[line("TRV-OFF", targets=raw)])
        assert "MSS-TRV-OFF-S" in error.message

    @pytest.mark.parametrize("code", ["MSS-CONF-DOC-T", "MSS-CONF-DOC-A"])
    def test_rejects_a_share_above_100(self, people, code):
        error = rejected(
            people,
            lines=[line("CONF-DOC", targets=[{"standard": code, "target_pct": "100.001"}])],
        )
        assert code in error.message
        assert error.errors == {"target_pct": ["at most 100"]}

    def test_rejects_a_share_above_100_given_directly_to_the_service(self, people):
        item = LineInput(
            offering=offering("CONF-DOC"),
            expected_volume=1,
            targets=[target("MSS-CONF-DOC-T"), target("MSS-CONF-DOC-A", target_pct=Decimal(101))],
        )
        error = rejected(people, lines=[item])
        assert "MSS-CONF-DOC-A" in error.message

    def test_rejects_a_direct_target_with_a_different_clock(self, people):
        item = LineInput(
            offering=offering("CONF-DOC"),
            expected_volume=1,
            targets=[target("MSS-CONF-DOC-T", clock=Clock.HOURS_24X7, threshold=Decimal(1))],
        )
        error = rejected(people, lines=[item])
        assert "MSS-CONF-DOC-T" in error.message

    def test_rejects_a_direct_target_on_a_standard_of_another_service(self, people):
        item = LineInput(
            offering=offering("CONF-DOC"),
            expected_volume=1,
            targets=[target("MSS-CONF-DOC-T"), target("MSS-HR-ONB-T")],
        )
        rejected(people, lines=[item])


class TestTargetInputs:
    def test_fills_in_every_standard_of_the_service_in_code_order(self):
        result = target_inputs(offering=offering("CONF-DOC"), raw=None)
        assert [(t.standard.code, t.threshold, t.clock, t.target_pct) for t in result] == [
            ("MSS-CONF-DOC-A", None, "", Decimal(98)),
            ("MSS-CONF-DOC-T", Decimal(10), "working_days", Decimal(90)),
        ]

    @pytest.mark.parametrize("code", ["MSS-NOPE", "MSS-HR-ONB-T", "", "x" * 500])
    def test_rejects_an_unknown_standard_code(self, code):
        with pytest.raises(ApplicationError) as caught:
            target_inputs(offering=offering("CONF-DOC"), raw=[{"standard": code}])
        assert "is not a standard of CONF-DOC" in caught.value.message
        assert caught.value.errors == {"targets": [f"unknown standard '{code[:40]}'"]}
        assert len(caught.value.message) < 200

    @pytest.mark.parametrize(
        ("name", "value", "reason"),
        [
            ("target_pct", "abc", "not a number"),
            ("threshold", "ten", "not a number"),
            ("target_pct", "NaN", "out of range"),
            ("threshold", "Infinity", "out of range"),
            ("threshold", "-1", "out of range"),
            ("target_pct", "1e9", "out of range"),
        ],
    )
    def test_rejects_a_figure_that_is_not_a_usable_number(self, name, value, reason):
        raw = [{"standard": "MSS-CONF-DOC-T", name: value}]
        with pytest.raises(ApplicationError) as caught:
            target_inputs(offering=offering("CONF-DOC"), raw=raw)
        assert caught.value.errors == {name: [reason]}
        assert name in caught.value.message

    def test_unknown_standard_through_registration_stores_nothing(self, people):
        before = table_counts()
        with pytest.raises(ApplicationError):
            make_draft(people, lines=[line("CONF-DOC", targets=[{"standard": "MSS-NOPE"}])])
        assert table_counts() == before


class TestWeakerThanStandard:
    def test_none_for_the_standard_itself(self):
        mss = standard("MSS-CONF-DOC-T")
        assert (
            weaker_than_standard(
                standard=mss, threshold=mss.threshold, clock=mss.clock, target_pct=mss.target_pct
            )
            is None
        )

    def test_none_for_a_stricter_target(self):
        mss = standard("MSS-CONF-DOC-T")
        assert (
            weaker_than_standard(
                standard=mss, threshold=Decimal(2), clock="working_days", target_pct=Decimal(99)
            )
            is None
        )

    def test_names_the_standard_and_its_statement(self):
        mss = standard("MSS-CONF-DOC-T")
        reason = weaker_than_standard(
            standard=mss, threshold=Decimal(12), clock="working_days", target_pct=Decimal(90)
        )
        assert (
            reason == "the threshold is longer than in MSS-CONF-DOC-T (90% within 10 working days)"
        )

    def test_a_stricter_threshold_does_not_make_up_for_a_lower_share(self):
        mss = standard("MSS-CONF-DOC-T")
        reason = weaker_than_standard(
            standard=mss, threshold=Decimal(1), clock="working_days", target_pct=Decimal(89)
        )
        assert reason.startswith("the target share is below MSS-CONF-DOC-T")

    def test_accuracy_ignores_threshold_and_clock(self):
        mss = standard("MSS-CONF-DOC-A")
        assert (
            weaker_than_standard(
                standard=mss, threshold=Decimal(500), clock="hours_24x7", target_pct=Decimal(98)
            )
            is None
        )
        assert "MSS-CONF-DOC-A" in weaker_than_standard(
            standard=mss, threshold=None, clock="", target_pct=Decimal("97.9")
        )

    def test_a_missing_share_is_weaker(self):
        mss = standard("MSS-CONF-DOC-A")
        assert "MSS-CONF-DOC-A" in weaker_than_standard(
            standard=mss, threshold=None, clock="", target_pct=None
        )


class TestLinesAndPeriod:
    def test_rejects_an_offering_of_another_provider(self, people):
        error = rejected(people, lines=[line("FIN-VEN", provider_code="KJSO")])
        assert "is not an offering of UNON" in error.message
        assert error.errors == {"lines": ["FIN-VEN: not offered by this provider"]}

    def test_rejects_a_service_listed_twice(self, people):
        error = rejected(people, lines=[line("CONF-DOC"), line("CONF-DOC", volume=5)])
        assert error.message == "CONF-DOC is listed twice."
        assert error.errors == {"lines": ["duplicate service"]}

    def test_rejects_no_lines(self, people):
        rejected(people, lines=[], errors={"lines": ["required"]})

    def test_rejects_an_end_before_the_start(self, people):
        rejected(
            people,
            start=dt.date(2031, 6, 1),
            end=dt.date(2031, 5, 31),
            message="The end date is before the start date.",
            errors={"end_date": ["before the start date"]},
        )

    def test_accepts_a_one_day_period(self, people):
        sla = make_draft(people, start=dt.date(2031, 6, 1), end=dt.date(2031, 6, 1))
        assert sla.start_date == sla.end_date

    def test_rejects_a_period_over_ten_years(self, people):
        rejected(
            people,
            start=dt.date(2031, 1, 1),
            end=dt.date(2045, 1, 1),
            errors={"end_date": ["more than ten years"]},
        )

    @pytest.mark.parametrize("volume", [-1, 10**9 + 1])
    def test_rejects_an_expected_volume_out_of_range(self, people, volume):
        rejected(
            people,
            lines=[line("CONF-DOC", volume=volume)],
            errors={"expected_volume": ["out of range"]},
        )

    def test_a_bad_second_line_stores_not_even_the_first(self, people):
        raw = [{"standard": "MSS-FAC-MNT-T", "threshold": "4"}]
        rejected(people, lines=[line("CONF-DOC"), line("FAC-MNT", targets=raw)])


class TestSlaUpdateDraft:
    def test_changes_period_notes_lines_and_targets(self, people):
        sla = make_draft(people)
        raw = [{"standard": "MSS-CONF-MTG-T", "threshold": "3", "target_pct": "97"}]
        sla_update_draft(
            sla=sla,
            user=people.staff,
            start_date=dt.date(2031, 2, 1),
            end_date=dt.date(2031, 12, 31),
            notes="Second draft.",
            lines=[line("CONF-MTG", volume=12, targets=raw)],
        )
        sla.refresh_from_db()
        assert (sla.start_date, sla.end_date, sla.notes) == (
            dt.date(2031, 2, 1),
            dt.date(2031, 12, 31),
            "Second draft.",
        )
        stored = sla.lines.get()
        assert (stored.offering.service.code, stored.expected_volume) == ("CONF-MTG", 12)
        assert [(t.standard.code, t.threshold, t.target_pct) for t in stored.targets.all()] == [
            ("MSS-CONF-MTG-T", Decimal(3), Decimal(97))
        ]

    def test_keeps_what_is_not_given(self, people):
        sla = make_draft(people, notes="Kept.")
        sla_update_draft(sla=sla, user=people.staff, end_date=sla.end_date - dt.timedelta(days=1))
        sla.refresh_from_db()
        assert sla.notes == "Kept."
        assert sla.lines.get().offering.service.code == "CONF-DOC"

    @pytest.mark.parametrize(
        "change",
        [
            lambda: {"lines": []},
            lambda: {
                "lines": [
                    line("CONF-DOC", targets=[{"standard": "MSS-CONF-DOC-T", "threshold": "20"}])
                ]
            },
            lambda: {"lines": [line("HR-ONB", provider_code="KJSO")]},
            lambda: {"end_date": dt.date(2000, 1, 1)},
        ],
        ids=["no lines", "weaker target", "other provider", "end before start"],
    )
    def test_rejects_bad_changes_and_keeps_the_draft(self, people, change):
        sla = make_draft(people)
        before = snapshot(sla)
        lines_before = list(sla.lines.values_list("pk", "offering_id", "expected_volume"))
        with pytest.raises(ApplicationError):
            sla_update_draft(sla=sla, user=people.staff, **change())
        assert snapshot(sla) == before
        assert list(sla.lines.values_list("pk", "offering_id", "expected_volume")) == lines_before


class TestOverlap:
    def test_rejects_a_new_sla_overlapping_an_approved_one(self, people):
        first = make_approved(people, start=days(10), end=days(200))
        assert first.status == SlaStatus.APPROVED
        error = rejected(people, start=days(100), end=days(300))
        assert first.agreement.number in error.message
        assert error.errors == {"non_field_errors": [f"overlaps {first}"]}

    def test_rejects_a_new_sla_overlapping_an_active_one(self, people):
        first = make_approved(people, start=days(-10), end=days(100))
        assert first.status == SlaStatus.ACTIVE
        error = rejected(
            people,
            start=days(-100),
            end=days(-10),
            lines=[line("CONF-MTG"), line("CONF-DOC")],
        )
        assert first.agreement.number in error.message

    def test_shared_last_day_counts_as_overlap(self, people):
        first = make_approved(people, start=days(10), end=days(200))
        error = rejected(people, start=days(200), end=days(300))
        assert first.agreement.number in error.message

    def test_accepts_a_period_that_starts_after_the_other_ends(self, people):
        make_approved(people, start=days(10), end=days(200))
        assert make_draft(people, start=days(201), end=days(300)).status == SlaStatus.DRAFT

    def test_accepts_other_services_in_the_same_period(self, people):
        make_approved(people, start=days(10), end=days(200))
        sla = make_draft(people, start=days(10), end=days(200), lines=[line("CONF-MTG")])
        assert sla.status == SlaStatus.DRAFT

    def test_accepts_the_same_service_for_another_client(self, people):
        make_approved(people, start=days(10), end=days(200))
        sla = make_draft(people, start=days(10), end=days(200), client_code="UN-HABITAT")
        assert sla.agreement.client.code == "UN-HABITAT"

    def test_a_draft_may_overlap_another_draft(self, people):
        make_draft(people, start=days(10), end=days(200))
        second = make_draft(people, start=days(10), end=days(200))
        assert find_overlap(sla=second) is None

    def test_a_draft_may_overlap_a_submitted_sla(self, people):
        first = make_draft(people, start=days(10), end=days(200))
        sla_submit(sla=first, user=people.staff)
        assert make_draft(people, start=days(10), end=days(200)).status == SlaStatus.DRAFT

    def test_a_terminated_sla_no_longer_blocks(self, people):
        first = make_approved(people, start=days(-10), end=days(200))
        sla_terminate(sla=first, user=people.manager, reason="Ended.", termination_date=days(0))
        assert make_draft(people, start=days(1), end=days(200)).status == SlaStatus.DRAFT

    def test_an_amendment_does_not_overlap_its_own_original(self, people):
        original = make_approved(people, start=days(-10), end=days(200))
        amendment = sla_amend(sla=original, user=people.staff)
        assert find_overlap(sla=amendment) is None
        sla_submit(sla=amendment, user=people.staff)
        sla_approve(sla=amendment, user=people.focal)
        assert sla_approve(sla=amendment, user=people.manager).status == SlaStatus.ACTIVE

    def test_an_amendment_still_overlaps_a_third_sla(self, people):
        original = make_approved(people, start=days(10), end=days(100))
        other = make_approved(people, start=days(101), end=days(300))
        amendment = sla_amend(sla=original, user=people.staff)
        with pytest.raises(ApplicationError) as caught:
            sla_update_draft(sla=amendment, user=people.staff, end_date=days(150))
        assert other.agreement.number in caught.value.message

    def test_editing_a_draft_into_an_overlap_is_rejected(self, people):
        first = make_approved(people, start=days(10), end=days(200))
        draft = make_draft(people, start=days(10), end=days(200), lines=[line("CONF-MTG")])
        before = snapshot(draft)
        with pytest.raises(ApplicationError) as caught:
            sla_update_draft(sla=draft, user=people.staff, lines=[line("CONF-DOC")])
        assert first.agreement.number in caught.value.message
        assert snapshot(draft) == before

    def test_submitting_a_draft_that_now_overlaps_is_rejected(self, people):
        first = make_draft(people, start=days(10), end=days(200))
        second = make_draft(people, start=days(10), end=days(200))
        sla_submit(sla=first, user=people.staff)
        sla_approve(sla=first, user=people.focal)
        sla_approve(sla=first, user=people.manager)
        before = snapshot(second)
        with pytest.raises(ApplicationError) as caught:
            sla_submit(sla=second, user=people.staff)
        assert first.agreement.number in caught.value.message
        assert snapshot(second) == before

    def test_approving_the_second_of_two_overlapping_submissions_is_rejected(self, people):
        first = make_draft(people, start=days(10), end=days(200))
        second = make_draft(people, start=days(10), end=days(200))
        sla_submit(sla=first, user=people.staff)
        sla_submit(sla=second, user=people.staff)
        sla_approve(sla=first, user=people.focal)
        sla_approve(sla=first, user=people.manager)
        sla_approve(sla=second, user=people.focal)
        with pytest.raises(ApplicationError) as caught:
            sla_approve(sla=second, user=people.manager)
        assert first.agreement.number in caught.value.message
        second.refresh_from_db()
        assert (second.status, second.provider_signed_at) == (SlaStatus.SUBMITTED, None)

    def test_find_overlap_returns_the_other_sla(self, people):
        first = make_approved(people, start=days(10), end=days(200))
        draft = make_draft(people, start=days(300), end=days(400))
        assert find_overlap(sla=draft) is None
        draft.start_date = days(150)
        assert find_overlap(sla=draft) == first


class TestSlaCreateForAnotherPair:
    def test_kjso_registers_for_unama(self):
        staff = user_with_role(Role.PROVIDER_STAFF, provider=provider("KJSO"))
        sla = sla_create(
            user=staff,
            provider=provider("KJSO"),
            client=client("UNAMA"),
            start_date=dt.date(2031, 1, 1),
            end_date=dt.date(2031, 12, 31),
            lines=[line("PAY-OFF", provider_code="KJSO")],
        )
        assert sla.agreement.number == "SLA-KJSO-UNAMA-2031-001"
        assert list(sla.lines.values_list("targets__standard__code", flat=True)) == [
            "MSS-PAY-OFF-T"
        ]
