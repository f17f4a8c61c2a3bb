"""Test data for the compliance engine: results stored directly (for what reads them:
pages, notices), KJSO's standards, an approved SLA through the services, and a varied
year of records."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.choices import Role
from catalogue.models import MinimumServiceStandard
from compliance.models import ComplianceResult
from providers.models import ServiceProvider
from tests.factories import user_with_role
from tests.records.factories import import_csv
from tests.sla.factories import provider


def result(*, standard, month, eligible=10, met=9, target=None, **values) -> ComplianceResult:
    unon = provider("UNON")
    key = (
        f"sla:{target.pk}:{month:%Y-%m}" if target else f"mss:{standard.pk}:{unon.pk}:{month:%Y-%m}"
    )
    return ComplianceResult.objects.create(
        key=key,
        scope="sla" if target else "mss",
        period=month,
        provider=unon,
        client=target.line.sla.agreement.client if target else None,
        service=standard.service,
        standard=standard,
        sla=target.line.sla if target else None,
        target=target,
        kind=standard.kind,
        threshold=standard.threshold,
        clock=standard.clock,
        target_pct=standard.target_pct,
        eligible=eligible,
        met=met,
        status="met" if eligible and met * 100 >= standard.target_pct * eligible else "breached",
        provisional=False,
        computed_at=timezone.now(),
        **values,
    )


def standards(count: int, prefix: str = "TST-M") -> list[MinimumServiceStandard]:
    service = MinimumServiceStandard.objects.get(code="MSS-CONF-DOC-T").service
    return [
        MinimumServiceStandard.objects.create(
            code=f"{prefix}{n:02d}",
            service=service,
            kind="accuracy",
            target_pct=Decimal("90"),
            verification="illustrative test standard",
        )
        for n in range(count)
    ]


LATER = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)  # "now" for closed months


def kjso() -> ServiceProvider:
    return ServiceProvider.objects.get(code="KJSO")


def standard(code_prefix: str, kind: str) -> MinimumServiceStandard:
    """The service's standard of that kind (an accuracy one is added for the tests)."""
    service_code = code_prefix.removeprefix("MSS-")
    found = MinimumServiceStandard.objects.filter(service__code=service_code, kind=kind).first()
    if found:
        return found
    return MinimumServiceStandard.objects.create(
        code=f"TST-{service_code}-{kind[0].upper()}",
        service=MinimumServiceStandard.objects.get(code__startswith=code_prefix).service,
        kind=kind,
        target_pct=Decimal(95),
        verification="illustrative test standard",
    )


def approved_sla(*, start, end, lines=None):
    """An SLA for KJSO and UNAMA signed by both sides, through the services."""
    from catalogue.models import Offering
    from clients.models import ClientEntity
    from sla.services import LineInput, sla_approve, sla_create, sla_submit

    staff = user_with_role(Role.PROVIDER_STAFF, provider=kjso())
    manager = user_with_role(Role.PROVIDER_MANAGER, provider=kjso())
    unama = ClientEntity.objects.get(code="UNAMA")
    focal = user_with_role(Role.CLIENT_FOCAL_POINT, client=unama)
    offering = Offering.objects.get(provider=kjso(), service__code="PAY-OFF")
    sla = sla_create(
        user=staff,
        provider=kjso(),
        client=unama,
        start_date=start,
        end_date=end,
        lines=lines or [LineInput(offering=offering, expected_volume=100)],
    )
    sla_submit(sla=sla, user=staff)
    sla_approve(sla=sla, user=focal)
    return sla_approve(sla=sla, user=manager), staff, manager, focal


MONTHS = [dt.date(2026, m, 1) for m in (1, 2, 3, 4)]


def varied_records() -> str:
    """KJSO PAY-OFF records from January to April for UNAMA (which has an SLA) and UNAMI
    (which has none), with every status, some defective, some open with or without a
    pause, some completed just after midnight UTC at a local month's end."""
    rows = []
    for n in range(160):
        client = "UNAMA" if n % 4 else "UNAMI"
        month = 1 + n % 4
        day = 1 + (n * 7) % 27
        received = dt.datetime(2026, month, day, 8 + n % 5)
        span = dt.timedelta(days=n % 9, hours=(n * 5) % 11, minutes=n % 3)
        status, done, pauses = "", (received + span).isoformat(), ""
        if n % 23 == 0:
            status = "cancelled"
        elif n % 11 == 0:
            status, done = "open", ""
            if n % 2:
                pause = received + dt.timedelta(hours=1)
                pauses = f"{pause:%Y-%m-%dT%H:%M}/{pause + dt.timedelta(hours=2):%Y-%m-%dT%H:%M}"
        defective = "true" if n % 13 == 0 else "false"
        rows.append(
            f"V-{n},KJSO,{client},PAY-OFF,{received:%Y-%m-%dT%H:%M},{done},{status},"
            f"{pauses},{defective}\n"
        )
    # Completed at 22:30 UTC on the last day of January and March: February and April
    # in Kuwait (UTC+3).
    rows.append("V-E1,KJSO,UNAMA,PAY-OFF,2026-01-29T08:00,2026-01-31T22:30:00Z,,,false\n")
    rows.append("V-E2,KJSO,UNAMI,PAY-OFF,2026-03-29T08:00,2026-03-31T22:30:00Z,,,true\n")
    return "".join(rows)


def setup_varied_data():
    """Three timeliness tests on one service (working days, calendar days, and an SLA's
    stricter threshold), accuracy, and an SLA amended on 15 February."""
    from sla.services import sla_amend, sla_approve, sla_submit, sla_update_draft

    timeliness = standard("MSS-PAY-OFF", "timeliness")
    standard("MSS-PAY-OFF", "accuracy")
    MinimumServiceStandard.objects.create(
        code="TST-PAY-OFF-CAL",
        service=timeliness.service,
        kind="timeliness",
        threshold=Decimal("3.5"),
        clock="calendar_days",
        target_pct=Decimal(80),
        verification="illustrative test standard",
    )
    sla, staff, manager, focal = approved_sla(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    target = sla.lines.get().targets.get(standard=timeliness)
    target.threshold = Decimal(2)  # stricter than the standard
    target.save()
    amendment = sla_amend(sla=sla, user=staff)
    sla_update_draft(sla=amendment, user=staff, start_date=dt.date(2026, 2, 15))
    sla_submit(sla=amendment, user=staff)
    sla_approve(sla=amendment, user=focal)
    amendment = sla_approve(sla=amendment, user=manager)
    result = import_csv(varied_records())
    assert result.status == "done", list(result.errors.values_list("line", "column", "message")[:5])
    return amendment, manager
