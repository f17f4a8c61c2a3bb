"""The compliance engine against DOMAIN §5, case by case, with numbers worked out in the
tests independently of the engine's SQL."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from accounts.choices import Role
from compliance.engine import compute_provider_month, is_met, result_status, shards_to_compute
from compliance.models import ComplianceResult
from records.models import PendingCompliance, ServiceRecord
from tests.compliance.factories import LATER, approved_sla, kjso, standard
from tests.factories import user_with_role
from tests.records.factories import import_csv

pytestmark = pytest.mark.django_db

FEB = dt.date(2026, 2, 1)
JAN = dt.date(2026, 1, 1)


def mss_result(provider, std, month) -> ComplianceResult:
    return ComplianceResult.objects.get(key=f"mss:{std.pk}:{provider.pk}:{month:%Y-%m}")


def compute(provider, month, now=LATER):
    return compute_provider_month(provider_id=provider.pk, month=month, now=now)


class TestExactArithmetic:
    """Case: 'a standard with target 96.7 over 1,000 eligible records is met with 967 met
    and breached with 966' (DOMAIN §8)."""

    def test_967_of_1000_meets_96_7(self):
        assert is_met(met=967, eligible=1000, target_pct=Decimal("96.7"))
        assert result_status(met=967, eligible=1000, target_pct=Decimal("96.7")) == "met"

    def test_966_of_1000_breaches_96_7(self):
        assert result_status(met=966, eligible=1000, target_pct=Decimal("96.7")) == "breached"

    def test_no_eligible_records_is_no_data(self):
        assert result_status(met=0, eligible=0, target_pct=Decimal(95)) == "no_data"

    def test_end_to_end_1000_records_at_96_7(self):
        """1,000 completed PAY-OFF records at KJSO, 967 or 966 not defective."""
        acc = standard("MSS-PAY-OFF", "accuracy")
        acc.target_pct = Decimal("96.7")
        acc.save()
        rows = "".join(
            f"A-{n},KJSO,UNAMA,PAY-OFF,2026-02-02T09:00,2026-02-02T10:00,,,"
            f"{'true' if n < 33 else 'false'}\n"
            for n in range(1000)
        )
        assert import_csv(rows).status == "done"
        compute(kjso(), FEB)
        result = mss_result(kjso(), acc, FEB)
        assert (result.eligible, result.met, result.status) == (1000, 967, "met")
        import_csv("A-33,KJSO,UNAMA,PAY-OFF,2026-02-02T09:00,2026-02-02T10:00,,,true\n")
        compute(kjso(), FEB)
        result = mss_result(kjso(), acc, FEB)
        assert (result.eligible, result.met, result.status) == (1000, 966, "breached")


class TestMonthsAndThresholds:
    def test_completion_counts_in_the_providers_local_month(self):
        """Case: a Kuwait record completed at 2026-01-31T22:30:00Z counts in 2026-02."""
        acc = standard("MSS-PAY-OFF", "accuracy")
        import_csv("M-1,KJSO,UNAMA,PAY-OFF,2026-01-29T08:00,2026-01-31T22:30:00Z,,,false\n")
        assert ServiceRecord.objects.get(external_ref="M-1").completed_month == FEB
        compute(kjso(), JAN)
        compute(kjso(), FEB)
        assert mss_result(kjso(), acc, FEB).eligible == 1
        assert mss_result(kjso(), acc, JAN).eligible == 0

    def test_threshold_is_inclusive_to_the_second(self):
        """Case: 5 working days on Kuwait is met by 144,000 s and missed by 144,001 s."""
        std = standard("MSS-PAY-OFF", "timeliness")
        std.threshold, std.clock, std.target_pct = Decimal(5), "working_days", Decimal(100)
        std.save()
        # Sun 2026-02-01 08:00 + 5 working days of 8 h = Thu 2026-02-05 16:00.
        import_csv(
            "T-1,KJSO,UNAMA,PAY-OFF,2026-02-01T08:00,2026-02-05T16:00:00,,,false\n"
            "T-2,KJSO,UNAMA,PAY-OFF,2026-02-01T08:00,2026-02-08T08:00:01,,,false\n"
        )
        elapsed = dict(ServiceRecord.objects.values_list("external_ref", "elapsed_working_seconds"))
        assert elapsed == {"T-1": 144000, "T-2": 144001}
        compute(kjso(), FEB)
        result = mss_result(kjso(), std, FEB)
        assert (result.eligible, result.met, result.status) == (2, 1, "breached")

    def test_cancelled_and_open_records_are_not_eligible(self):
        acc = standard("MSS-PAY-OFF", "accuracy")
        import_csv(
            "C-1,KJSO,UNAMA,PAY-OFF,2026-02-02T09:00,2026-02-02T10:00,cancelled,,false\n"
            "C-2,KJSO,UNAMA,PAY-OFF,2026-02-02T09:00,,open,,false\n"
            "C-3,KJSO,UNAMA,PAY-OFF,2026-02-02T09:00,2026-02-02T10:00,,,false\n"
        )
        compute(kjso(), FEB)
        assert mss_result(kjso(), acc, FEB).eligible == 1

    def test_current_month_is_provisional(self):
        acc = standard("MSS-PAY-OFF", "accuracy")
        import_csv("P-1,KJSO,UNAMA,PAY-OFF,2026-02-02T09:00,2026-02-02T10:00,,,false\n")
        compute(kjso(), FEB, now=dt.datetime(2026, 2, 20, tzinfo=dt.UTC))
        assert mss_result(kjso(), acc, FEB).provisional
        compute(kjso(), FEB, now=dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
        assert not mss_result(kjso(), acc, FEB).provisional


class TestOverdueOpen:
    def test_counts_open_records_whose_deadline_fell_in_the_month_and_passed(self):
        std = standard("MSS-PAY-OFF", "timeliness")
        std.threshold, std.clock = Decimal(2), "working_hours"
        std.save()
        # Received Thu 2026-02-05 15:00 Kuwait: due Sun 2026-02-08 09:00 (DOMAIN §8 shape).
        import_csv(
            "O-1,KJSO,UNAMA,PAY-OFF,2026-02-05T15:00,,,,\n"
            "O-2,KJSO,UNAMA,PAY-OFF,2026-02-26T15:00,,,,\n"  # 26th is a holiday: due in March
        )
        compute(kjso(), FEB, now=dt.datetime(2026, 2, 8, 6, 0, 1, tzinfo=dt.UTC))
        assert mss_result(kjso(), std, FEB).overdue_open == 1
        compute(kjso(), FEB, now=dt.datetime(2026, 2, 8, 5, 59, tzinfo=dt.UTC))
        assert mss_result(kjso(), std, FEB).overdue_open == 0


class TestIdempotence:
    rows = "".join(
        f"I-{n},KJSO,UNAMA,PAY-OFF,2026-02-{2 + n % 20:02d}T09:00,"
        f"2026-02-{2 + n % 20:02d}T1{n % 8}:00,,,{'true' if n % 7 == 0 else 'false'}\n"
        for n in range(60)
    )

    def snapshot(self):
        return sorted(
            ComplianceResult.objects.values_list("key", "eligible", "met", "status", "overdue_open")
        )

    def test_once_twice_and_in_pieces_give_the_same_rows(self):
        import_csv(self.rows)
        compute(kjso(), FEB)
        once = self.snapshot()
        compute(kjso(), FEB)
        assert self.snapshot() == once
        ComplianceResult.objects.all().delete()
        for month in (JAN, FEB, dt.date(2026, 3, 1)):  # in pieces, any order
            compute(kjso(), month)
        assert [r for r in self.snapshot() if r[0].endswith("2026-02")] == once

    def test_computing_clears_the_pending_mark_and_logs_a_run(self):
        import_csv(self.rows)
        assert PendingCompliance.objects.filter(provider=kjso(), month=FEB).exists()
        run = compute(kjso(), FEB)
        assert run.status == "done" and run.rows_written > 0 and run.finished_at
        assert not PendingCompliance.objects.filter(provider=kjso(), month=FEB).exists()

    def test_pending_shards_are_what_changed(self):
        import_csv(self.rows)
        assert (kjso().pk, FEB) in shards_to_compute()


class TestBreaches:
    def test_closed_month_breach_notifies_once(self, django_capture_on_commit_callbacks):
        acc = standard("MSS-PAY-OFF", "accuracy")
        manager = user_with_role(Role.PROVIDER_MANAGER, provider=kjso(), email="m@example.org")
        import_csv(
            "B-1,KJSO,UNAMA,PAY-OFF,2026-02-02T09:00,2026-02-02T10:00,,,true\n"
            "B-2,KJSO,UNAMA,PAY-OFF,2026-02-02T09:00,2026-02-02T10:00,,,false\n"
        )
        with django_capture_on_commit_callbacks(execute=True):
            compute(kjso(), FEB)
        result = mss_result(kjso(), acc, FEB)
        assert result.status == "breached" and result.breach_notified_at
        assert manager.notifications.filter(verb="compliance.breached").count() == 1
        assert any("KJSO missed a standard in February 2026" in m.subject for m in mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            compute(kjso(), FEB)
        assert manager.notifications.filter(verb="compliance.breached").count() == 1

    def test_a_run_that_dies_after_notifying_leaves_no_notification_behind(
        self, settings, monkeypatch, django_capture_on_commit_callbacks
    ):
        acc = standard("MSS-PAY-OFF", "accuracy")
        manager = user_with_role(Role.PROVIDER_MANAGER, provider=kjso(), email="m@example.org")
        import_csv("D-1,KJSO,UNAMA,PAY-OFF,2026-02-02T09:00,2026-02-02T10:00,,,true\n")
        mail.outbox.clear()

        seen = {}

        def killed(seconds):  # where the crash tests hold a run: results written, not committed
            seen["notified"] = manager.notifications.filter(verb="compliance.breached").count()
            seen["mailed"] = len(mail.outbox)
            raise SystemExit("worker lost")

        settings.COMPLIANCE_FAULT_DELAY_SECONDS = 1
        monkeypatch.setattr("compliance.engine.runs.time.sleep", killed)
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(SystemExit):
            compute(kjso(), FEB)
        # The notification was written in the results' transaction, the e-mail waited for
        # the commit; both rolled back with the results.
        assert seen == {"notified": 1, "mailed": 0}
        assert not ComplianceResult.objects.filter(provider=kjso(), standard=acc).exists()
        assert not manager.notifications.exists() and mail.outbox == []

        settings.COMPLIANCE_FAULT_DELAY_SECONDS = 0
        with django_capture_on_commit_callbacks(execute=True):
            compute(kjso(), FEB)  # run again: notified now, once
        assert mss_result(kjso(), acc, FEB).breach_notified_at
        assert manager.notifications.filter(verb="compliance.breached").count() == 1
        assert len(mail.outbox) == 1

    def test_provisional_month_that_can_still_recover_is_not_notified(self):
        acc = standard("MSS-PAY-OFF", "accuracy")
        import_csv(
            "R-1,KJSO,UNAMA,PAY-OFF,2026-02-02T09:00,2026-02-02T10:00,,,true\n"
            "R-2,KJSO,UNAMA,PAY-OFF,2026-02-03T09:00,,,,\n"
            "R-3,KJSO,UNAMA,PAY-OFF,2026-02-03T09:00,,,,\n"
        )
        compute(kjso(), FEB, now=dt.datetime(2026, 2, 10, tzinfo=dt.UTC))
        result = mss_result(kjso(), acc, FEB)
        # 0 of 1 met, and 2 open records could only make it 2 of 3 (66%), below 95%: still
        # not announced while February is not over.
        assert result.status == "breached" and not result.breach_notified_at


class TestSlaTargets:
    def target_result(self, sla, month):
        target = sla.lines.get().targets.get(kind="timeliness")
        return ComplianceResult.objects.get(key=f"sla:{target.pk}:{month:%Y-%m}")

    def test_counts_only_records_completed_while_in_force(self):
        sla, *_ = approved_sla(start=dt.date(2026, 2, 10), end=dt.date(2026, 12, 31))
        import_csv(
            "S-1,KJSO,UNAMA,PAY-OFF,2026-02-02T09:00,2026-02-09T10:00,,,false\n"  # before
            "S-2,KJSO,UNAMA,PAY-OFF,2026-02-09T09:00,2026-02-10T10:00,,,false\n"  # in force
            "S-3,KJSO,UNAMI,PAY-OFF,2026-02-09T09:00,2026-02-10T10:00,,,false\n"  # other client
        )
        compute(kjso(), FEB)
        assert self.target_result(sla, FEB).eligible == 1
        assert mss_result(kjso(), standard("MSS-PAY-OFF", "timeliness"), FEB).eligible == 3

    def test_terminated_sla_counts_until_its_termination_date(self):
        from sla.services import sla_terminate

        sla, _staff, manager, _focal = approved_sla(
            start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
        )
        sla_terminate(
            sla=sla, user=manager, reason="Mission closed", termination_date=dt.date(2026, 2, 15)
        )
        import_csv(
            "X-1,KJSO,UNAMA,PAY-OFF,2026-02-10T09:00,2026-02-15T10:00,,,false\n"
            "X-2,KJSO,UNAMA,PAY-OFF,2026-02-10T09:00,2026-02-16T10:00,,,false\n"
        )
        compute(kjso(), FEB)
        assert self.target_result(sla, FEB).eligible == 1

    def test_an_amendment_takes_over_from_its_own_start_date(self):
        from sla.services import sla_amend, sla_approve, sla_submit, sla_update_draft

        sla, staff, manager, focal = approved_sla(
            start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
        )
        amendment = sla_amend(sla=sla, user=staff)
        sla_update_draft(sla=amendment, user=staff, start_date=dt.date(2026, 2, 15))
        sla_submit(sla=amendment, user=staff)
        sla_approve(sla=amendment, user=focal)
        amendment = sla_approve(sla=amendment, user=manager)
        import_csv(
            "Y-1,KJSO,UNAMA,PAY-OFF,2026-02-10T09:00,2026-02-14T10:00,,,false\n"
            "Y-2,KJSO,UNAMA,PAY-OFF,2026-02-10T09:00,2026-02-15T10:00,,,false\n"
            "Y-3,KJSO,UNAMA,PAY-OFF,2026-02-10T09:00,2026-02-20T10:00,,,false\n"
        )
        compute(kjso(), FEB)
        sla.refresh_from_db()
        assert sla.status == "superseded"
        assert self.target_result(sla, FEB).eligible == 1
        assert self.target_result(amendment, FEB).eligible == 2
