"""Open records in compliance results (DOMAIN §5): ``overdue_open`` counts the open records
whose deadline fell in the month (and, for an SLA target, in its version's days) and has
passed; a provisional result is final only when its open records cannot save it.

The engine finds the passed deadlines by bisection over the records in order of receipt;
here every record's deadline is computed one by one with ``clock_due_at`` and counted in
Python, over many open records spread across months, weekends, holidays, an SLA amended
mid-month, and records with pauses."""

import datetime as dt

import pytest

from compliance.engine import compute_provider_months
from compliance.models import ComplianceResult
from core.clock import clock_due_at
from core.months import local_bounds, next_month
from records.models import ServiceRecord
from sla.models import Sla
from tests.compliance.factories import MONTHS, kjso, setup_varied_data
from tests.records.factories import import_csv

pytestmark = pytest.mark.django_db


def open_records() -> str:
    """240 open KJSO PAY-OFF records received at every hour of the day from late December
    to April, for UNAMA (SLA) and UNAMI (none); one in seven with a pause."""
    rows = []
    start = dt.datetime(2025, 12, 28, 0, 0)
    for n in range(240):
        received = start + dt.timedelta(hours=11 * n + n % 7, minutes=(n * 13) % 60)
        client = "UNAMA" if n % 3 else "UNAMI"
        pauses = ""
        if n % 7 == 0:
            pause = received + dt.timedelta(hours=2)
            pauses = f"{pause:%Y-%m-%dT%H:%M}/{pause + dt.timedelta(days=n % 5 + 1):%Y-%m-%dT%H:%M}"
        rows.append(f"O-{n},KJSO,{client},PAY-OFF,{received:%Y-%m-%dT%H:%M},,open,{pauses},false\n")
    return "".join(rows)


def expected_overdue(result: ComplianceResult, now: dt.datetime) -> int:
    provider = result.provider
    calendar = provider.duty_station.work_calendar()
    start, end = local_bounds(result.period, next_month(result.period), calendar.zone)
    if result.sla_id:  # the days its version was in force in the month
        sla = result.sla
        last = sla.end_date
        successor = Sla.objects.filter(supersedes=sla, status__in=("approved", "active")).first()
        if successor:
            last = min(last, successor.start_date - dt.timedelta(days=1))
        window = local_bounds(sla.start_date, last + dt.timedelta(days=1), calendar.zone)
        start, end = max(start, window[0]), min(end, window[1])
    records = ServiceRecord.objects.filter(provider=provider, service=result.service, status="open")
    if result.client_id:
        records = records.filter(client=result.client)
    overdue = 0
    for record in records:
        pauses = record.pause_intervals()
        due = clock_due_at(result.clock, calendar, record.received_at, result.threshold, pauses)
        overdue += start <= due < end and due <= now
    return overdue


@pytest.mark.parametrize(
    "now",
    [
        dt.datetime(2026, 6, 1, tzinfo=dt.UTC),  # every deadline passed
        dt.datetime(2026, 2, 17, 9, 30, tzinfo=dt.UTC),  # mid-month, mid-morning in Kuwait
        dt.datetime(2026, 3, 1, 5, tzinfo=dt.UTC),  # a Sunday morning, just after March began
    ],
    ids=["all-passed", "mid-february", "start-of-march"],
)
def test_overdue_open_matches_each_deadline_computed_alone(now):
    setup_varied_data()
    result = import_csv(open_records())
    assert result.status == "done", list(result.errors.values_list("line", "column", "message")[:5])
    assert ServiceRecord.objects.filter(status="open").exclude(pauses=[]).count() > 30

    compute_provider_months(provider_id=kjso().pk, months=MONTHS, now=now)

    timeliness = ComplianceResult.objects.filter(kind="timeliness").select_related(
        "provider__duty_station", "service", "sla", "client"
    )
    checked = {"mss": 0, "sla": 0}
    for found in timeliness:
        assert found.overdue_open == expected_overdue(found, now), found.key
        checked[found.scope] += found.overdue_open > 0
    # Every kind of result had overdue records to count: standards on both clocks, and
    # both versions of the amended SLA.
    assert checked["mss"] >= 4 and checked["sla"] >= 2, checked
    if now.month == 6:
        clocks = {r.clock for r in timeliness if r.overdue_open and r.scope == "mss"}
        assert clocks == {"working_days", "calendar_days"}
