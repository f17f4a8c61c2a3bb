"""Figures that stay right when records change: after any sequence of changes (imports of
new, completed, cancelled and reopened records, deletions, a holiday added to the
calendar, a standard's new threshold), computing the pending months gives exactly what
``compute_compliance --all`` gives (DOMAIN §5: the same numbers however a month is
computed)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.models import MinimumServiceStandard
from compliance.engine import RESULT_FIELDS, compute_shards, shards_to_compute
from compliance.models import ComplianceResult
from core.models import Holiday
from records.models import PendingCompliance, ServiceRecord
from records.services import record_delete, records_recompute_calendar
from tests.compliance.factories import approved_sla, kjso
from tests.records.factories import import_csv

pytestmark = pytest.mark.django_db

REFS = ("R-0", "R-1", "R-2", "R-3")
FIRST = dt.datetime(2026, 4, 27, 8, 0)  # Kuwait local time: a Monday near a month's end


def snapshot() -> dict:
    return {
        row[0]: row[1:]
        for row in ComplianceResult.objects.values_list("key", *RESULT_FIELDS).order_by("key")
    }


def compute(shards, now) -> None:
    if shards:
        compute_shards(shards=shards, trigger="test", now=now)


def row(ref, received, completed="", status="", client="UNAMA", pauses="") -> str:
    done = completed.isoformat(timespec="minutes") if completed else ""
    return (
        f"{ref},KJSO,{client},PAY-OFF,{received.isoformat(timespec='minutes')},{done},"
        f"{status},{pauses},\n"
    )


def stored(ref: str) -> ServiceRecord | None:
    return ServiceRecord.objects.filter(provider__code="KJSO", external_ref=ref).first()


def local(instant: dt.datetime) -> dt.datetime:
    """An instant as Kuwait wall time (the rows give local times)."""
    return instant.astimezone(dt.timezone(dt.timedelta(hours=3))).replace(tzinfo=None)


hours = st.integers(min_value=0, max_value=24 * 40)
operations = st.one_of(
    st.tuples(
        st.just("import"),
        st.sampled_from(REFS),
        st.integers(min_value=0, max_value=70),  # days after FIRST
        st.one_of(st.none(), hours),  # open, or completed after so many hours
        st.sampled_from(["UNAMA", "UNAMI"]),  # with an SLA, or without
    ),
    st.tuples(st.just("complete"), st.sampled_from(REFS), hours),
    st.tuples(st.just("cancel"), st.sampled_from(REFS)),
    st.tuples(st.just("reopen"), st.sampled_from(REFS)),
    st.tuples(st.just("delete"), st.sampled_from(REFS)),
    st.tuples(st.just("holiday"), st.integers(min_value=0, max_value=60)),
    st.tuples(st.just("threshold"), st.sampled_from([Decimal(2), Decimal(5), Decimal(12)])),
    st.tuples(st.just("compute")),
)


def apply(operation, now) -> None:
    kind, *args = operation
    if kind == "import":
        ref, days, span, client = args
        received = FIRST + dt.timedelta(days=days)
        completed = None if span is None else received + dt.timedelta(hours=span)
        import_csv(row(ref, received, completed, "" if completed else "open", client))
        return
    if kind == "holiday":
        station = kjso().duty_station
        Holiday.objects.get_or_create(
            duty_station=station, date=FIRST.date() + dt.timedelta(days=args[0])
        )
        records_recompute_calendar(duty_station_id=station.pk)  # the task the change sends
        return
    if kind == "threshold":
        standard = MinimumServiceStandard.objects.get(code="MSS-PAY-OFF-T")
        standard.threshold = args[0]
        standard.save()
        return
    if kind == "compute":
        compute(shards_to_compute(), now)
        return
    record = stored(args[0])
    if record is None:
        return
    received = local(record.received_at)
    client = record.client.code
    if kind == "complete" and record.status == "open":
        import_csv(
            row(record.external_ref, received, received + dt.timedelta(hours=args[1]), "", client)
        )
    elif kind == "cancel":
        done = local(record.completed_at) if record.completed_at else ""
        import_csv(row(record.external_ref, received, done, "cancelled", client))
    elif kind == "reopen":
        import_csv(row(record.external_ref, received, "", "open", client))
    elif kind == "delete":
        record_delete(record=record)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(operations, min_size=1, max_size=8))
def test_the_pending_run_gives_what_a_full_recompute_gives(changes):
    now = dt.datetime.now(dt.UTC)
    with transaction.atomic():
        approved_sla(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
        for change in changes:
            apply(change, now)
        compute(shards_to_compute(), now)
        assert not PendingCompliance.objects.exists()
        after_pending = snapshot()
        compute(shards_to_compute(everything=True), now)
        assert snapshot() == after_pending, changes
        transaction.set_rollback(True)


class TestTheReportedCase:
    """An open record received on 27 May whose deadline falls on 2 June."""

    def test_june_counts_it_overdue_then_not_once_it_is_completed(self):
        now = dt.datetime.now(dt.UTC)
        standard = MinimumServiceStandard.objects.get(code="MSS-PAY-OFF-T")
        received = dt.datetime(2026, 5, 27, 9, 0)  # Wednesday; 5 working days: 3 June

        import_csv(row("LATE", received, status="open"))
        compute(shards_to_compute(), now)
        june = ComplianceResult.objects.get(key=f"mss:{standard.pk}:{kjso().pk}:2026-06")
        assert june.overdue_open == 1

        import_csv(row("LATE", received, received + dt.timedelta(days=20)))
        compute(shards_to_compute(), now)
        june.refresh_from_db()
        assert june.overdue_open == 0
