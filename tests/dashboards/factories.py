"""A small, hand-counted set of compliance results for the dashboard tests.

Two providers: A in Nairobi (Africa), B in Rome (Europe); A serves service SX (area X),
B serves SY (area Y); C1 is a client entity of type office. March 2026 is the month
shown, February the one before (eligible / met, target %, status, overdue open):

| result | provider, standard, kind     | scope     | month | e / m    | target | status   | od |
| r1     | A, TX, timeliness            | mss       | Mar   | 100 / 95 | 90     | met      | 3  |
| r2     | A, AX, accuracy              | mss       | Mar   | 100 / 97 | 98     | breached | 0  |
| r3     | A, TX, timeliness            | sla (C1)  | Mar   | 40 / 30  | 90     | breached | 0  |
| r4     | B, TY, timeliness            | mss       | Mar   | 50 / 50  | 95     | met      | 2  |
| r5     | A, SAT, satisfaction         | mss       | Mar   | 10 / 9   | 80     | met      | 0  |
| r6     | A, TX, timeliness            | mss       | Feb   | 80 / 60  | 90     | breached | 1  |
| r7     | B, TY, timeliness            | mss       | Feb   | 20 / 10  | 95     | breached | 0  |
"""

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from compliance.models import ComplianceResult
from tests.factories import (
    ClientEntityFactory,
    DutyStationFactory,
    FunctionalAreaFactory,
    OfferingFactory,
    ServiceFactory,
    ServiceProviderFactory,
    StandardFactory,
)

MAR, FEB = dt.date(2026, 3, 1), dt.date(2026, 2, 1)
_keys = itertools.count()


def make_result(
    *, provider, standard, period, eligible, met, scope="mss", client=None, overdue=0, **extra
):
    target = Decimal(extra.pop("target_pct", standard.target_pct))
    met_target = met * 100 >= target * eligible
    return ComplianceResult.objects.create(
        key=f"test:{next(_keys)}:{period:%Y-%m}",
        scope=scope,
        period=period,
        provider=provider,
        client=client,
        service=standard.service,
        standard=standard,
        kind=standard.kind,
        threshold=standard.threshold,
        clock=standard.clock,
        target_pct=target,
        eligible=eligible,
        met=met,
        status=extra.pop("status", "met" if met_target else "breached") if eligible else "no_data",
        provisional=extra.pop("provisional", False),
        overdue_open=overdue,
        computed_at=timezone.now(),
        **extra,
    )


@dataclass
class Scenario:
    a: object
    b: object
    c1: object
    area_x: object
    area_y: object
    tx: object
    ax: object
    ty: object
    sat: object
    results: dict


def build_scenario() -> Scenario:
    nairobi = DutyStationFactory(timezone="Africa/Nairobi", country="KE")
    rome = DutyStationFactory(timezone="Europe/Rome", country="IT")
    a = ServiceProviderFactory(code="TST-A", duty_station=nairobi)
    b = ServiceProviderFactory(code="TST-B", duty_station=rome)
    area_x = FunctionalAreaFactory(code="TST-X", name="Area X")
    area_y = FunctionalAreaFactory(code="TST-Y", name="Area Y")
    sx = ServiceFactory(code="TST-SX", area=area_x)
    sy = ServiceFactory(code="TST-SY", area=area_y)
    OfferingFactory(provider=a, service=sx)
    OfferingFactory(provider=b, service=sy)
    tx = StandardFactory(code="T-TX", service=sx, target_pct=Decimal(90))
    ax = StandardFactory(
        code="T-AX", service=sx, kind="accuracy", threshold=None, clock="", target_pct=98
    )
    ty = StandardFactory(code="T-TY", service=sy, target_pct=Decimal(95))
    sat = StandardFactory(
        code="T-SAT", service=sx, kind="satisfaction", threshold=None, clock="", target_pct=80
    )
    c1 = ClientEntityFactory(code="TST-C1", type="office")
    r = {
        "r1": make_result(provider=a, standard=tx, period=MAR, eligible=100, met=95, overdue=3),
        "r2": make_result(provider=a, standard=ax, period=MAR, eligible=100, met=97),
        "r3": make_result(
            provider=a, standard=tx, period=MAR, eligible=40, met=30, scope="sla", client=c1
        ),
        "r4": make_result(provider=b, standard=ty, period=MAR, eligible=50, met=50, overdue=2),
        "r5": make_result(provider=a, standard=sat, period=MAR, eligible=10, met=9),
        "r6": make_result(provider=a, standard=tx, period=FEB, eligible=80, met=60, overdue=1),
        "r7": make_result(provider=b, standard=ty, period=FEB, eligible=20, met=10),
    }
    return Scenario(a, b, c1, area_x, area_y, tx, ax, ty, sat, r)
