"""Breach notices wait for the month to be over in the provider's time zone (DOMAIN §5:
the current month is provisional): a provisional breach is never announced; the first
computation once the month is over (the nightly run of the previous month, or any
recompute) announces it, in the app and by e-mail, exactly once."""

import datetime as dt

import pytest
from django.core import mail

from accounts.choices import Role
from accounts.models import Notification
from compliance.engine import compute_provider_month, compute_shards, recent_shards
from compliance.models import ComplianceResult
from tests.compliance.factories import kjso, standard
from tests.factories import user_with_role
from tests.records.factories import import_csv

pytestmark = pytest.mark.django_db

FEB = dt.date(2026, 2, 1)
MAR = dt.date(2026, 3, 1)
# Kuwait is UTC+3 all year: February ends there at 2026-02-28T21:00:00Z.
FEB_LAST_MINUTE = dt.datetime(2026, 2, 28, 20, 59, tzinfo=dt.UTC)  # 23:59 in Kuwait
MAR_FIRST_MINUTE = dt.datetime(2026, 2, 28, 21, 1, tzinfo=dt.UTC)  # 00:01 on 1 March
MID_FEB = dt.datetime(2026, 2, 10, tzinfo=dt.UTC)


@pytest.fixture
def breached_february():
    """KJSO, February: 0 of 2 met against an accuracy standard of 95%; a manager with an
    e-mail address."""
    acc = standard("MSS-PAY-OFF", "accuracy")
    manager = user_with_role(Role.PROVIDER_MANAGER, provider=kjso(), email="m@example.org")
    assert (
        import_csv(
            "PB-1,KJSO,UNAMA,PAY-OFF,2026-02-02T09:00,2026-02-02T10:00,,,true\n"
            "PB-2,KJSO,UNAMA,PAY-OFF,2026-02-03T09:00,2026-02-03T10:00,,,true\n"
        ).status
        == "done"
    )
    mail.outbox.clear()
    return acc, manager


def result(acc, month=FEB) -> ComplianceResult:
    return ComplianceResult.objects.get(key=f"mss:{acc.pk}:{kjso().pk}:{month:%Y-%m}")


def notices(manager) -> int:
    return manager.notifications.filter(verb="compliance.breached").count()


def compute(now, month=FEB, capture=None):
    if capture is None:
        return compute_provider_month(provider_id=kjso().pk, month=month, now=now)
    with capture(execute=True):
        return compute_provider_month(provider_id=kjso().pk, month=month, now=now)


def test_a_provisional_breach_is_not_announced_and_is_once_the_month_is_over(
    breached_february, django_capture_on_commit_callbacks
):
    acc, manager = breached_february
    capture = django_capture_on_commit_callbacks
    for now in (MID_FEB, FEB_LAST_MINUTE):
        compute(now, capture=capture)
        found = result(acc)
        assert (found.status, found.met, found.eligible) == ("breached", 0, 2)
        assert found.provisional and found.breach_notified_at is None
        assert notices(manager) == 0 and mail.outbox == []

    compute(MAR_FIRST_MINUTE, capture=capture)  # the month is over in Kuwait
    found = result(acc)
    assert not found.provisional and found.breach_notified_at == MAR_FIRST_MINUTE
    assert notices(manager) == 1
    assert [m.subject for m in mail.outbox] == ["KJSO missed a standard in February 2026"]
    note = manager.notifications.get(verb="compliance.breached")
    assert note.message == (
        f"KJSO missed the {acc.service.name} standard in February 2026: 0% without correction "
        "(0 of 2), target 95%. February 2026 is over in the provider's time zone: this figure "
        "is final."
    )

    # Computed again (the next night, a change of records): never announced twice.
    compute(dt.datetime(2026, 3, 2, tzinfo=dt.UTC), capture=capture)
    import_csv("PB-3,KJSO,UNAMA,PAY-OFF,2026-02-04T09:00,2026-02-04T10:00,,,true\n")
    compute(dt.datetime(2026, 3, 20, tzinfo=dt.UTC), capture=capture)
    assert notices(manager) == 1 and len(mail.outbox) == 1
    assert result(acc).breach_notified_at == MAR_FIRST_MINUTE


def test_a_month_computed_first_after_it_closed_is_announced_at_once(
    breached_february, django_capture_on_commit_callbacks
):
    acc, manager = breached_february
    compute(MAR_FIRST_MINUTE, capture=django_capture_on_commit_callbacks)
    assert result(acc).breach_notified_at == MAR_FIRST_MINUTE
    assert notices(manager) == 1 and len(mail.outbox) == 1


def test_a_provisional_breach_that_recovers_before_the_month_ends_is_never_announced(
    breached_february,
):
    acc, manager = breached_february
    compute(MID_FEB)
    assert result(acc).status == "breached"
    good = "".join(
        f"PG-{n},KJSO,UNAMA,PAY-OFF,2026-02-20T09:00,2026-02-20T10:00,,,false\n" for n in range(40)
    )
    import_csv(good)
    compute(FEB_LAST_MINUTE)
    assert result(acc).status == "met"
    compute(MAR_FIRST_MINUTE)
    found = result(acc)
    assert (found.status, found.provisional, found.breach_notified_at) == ("met", False, None)
    assert notices(manager) == 0


def test_the_nightly_run_finalises_the_previous_month_in_the_providers_zone(
    breached_february, django_capture_on_commit_callbacks
):
    acc, manager = breached_february
    compute(MID_FEB)
    kuwait = kjso().pk
    # 23:59 in Kuwait on 28 February: February is still the current month there.
    shards = recent_shards(now=FEB_LAST_MINUTE)
    assert (kuwait, FEB) in shards and (kuwait, dt.date(2026, 1, 1)) in shards
    assert (kuwait, MAR) not in shards
    # Two minutes later it is March in Kuwait: the nightly run computes February, now over.
    shards = recent_shards(now=MAR_FIRST_MINUTE)
    assert {(kuwait, FEB), (kuwait, MAR)} <= set(shards)
    assert (kuwait, dt.date(2026, 1, 1)) not in shards
    for _ in range(2):  # run twice: announced once
        with django_capture_on_commit_callbacks(execute=True):
            compute_shards(shards=[s for s in shards if s[0] == kuwait], now=MAR_FIRST_MINUTE)
    assert not result(acc).provisional
    assert notices(manager) == 1 and len(mail.outbox) == 1


def test_the_nightly_run_catches_up_a_closed_month_left_provisional(breached_february):
    acc, manager = breached_february
    compute(MID_FEB)  # then no run for two months
    april = dt.datetime(2026, 4, 15, tzinfo=dt.UTC)
    shards = recent_shards(now=april)
    assert (kjso().pk, FEB) in shards
    compute_shards(shards=[s for s in shards if s[0] == kjso().pk], now=april)
    found = result(acc)
    assert not found.provisional and found.breach_notified_at == april
    assert notices(manager) == 1


def test_a_day_given_to_the_nightly_run_applies_to_every_provider():
    shards = recent_shards(today=dt.date(2026, 3, 31), now=MAR_FIRST_MINUTE)
    assert (kjso().pk, dt.date(2026, 2, 1)) in shards and (kjso().pk, MAR) in shards


def test_a_provisional_result_given_to_the_notices_is_not_announced(breached_february):
    from compliance.engine.breaches import _notify_breaches

    acc, _manager = breached_february
    compute(MID_FEB)
    _notify_breaches([result(acc).key])
    assert Notification.objects.filter(verb="compliance.breached").count() == 0
