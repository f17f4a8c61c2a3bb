"""Compliance results stored directly, for tests of what reads them (pages, notices)."""

from decimal import Decimal

from django.utils import timezone

from catalogue.models import MinimumServiceStandard
from sla.models import ComplianceResult
from tests.sla.sla_helpers import provider


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
