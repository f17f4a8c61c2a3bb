"""The compliance source of the work inbox (``core.inbox``): the open breaches of the
user's organisation (every provider's, for management) in the last three months that are
over."""

from django.db.models import Q
from django.utils import timezone

from core.inbox import InboxItem, InboxSource, register_source
from core.months import add_months, month_start

from .choices import ComplianceScope, ComplianceStatus
from .models import WITHHELD_RESULTS, ComplianceResult
from .wording import breach_sentence, breaches_url

MONTHS_SHOWN = 3


def _breaches(user, scope):
    if not (scope.is_management or scope.provider_ids or scope.client_ids):
        return None
    since = add_months(month_start(timezone.localdate()), -MONTHS_SHOWN)
    rows = ComplianceResult.objects.filter(
        status=ComplianceStatus.BREACHED, provisional=False, period__gte=since
    ).exclude(WITHHELD_RESULTS)
    if scope.is_management:
        return rows
    return rows.filter(
        Q(provider_id__in=scope.provider_ids)
        | Q(scope=ComplianceScope.SLA, client_id__in=scope.client_ids)
    )


def _items(user, scope, limit):
    rows = (
        _breaches(user, scope)
        .select_related("provider", "service", "sla__agreement")
        .order_by("-period", "provider__code", "service__code", "pk")[:limit]
    )
    return [
        InboxItem(
            breach_sentence(
                provider=row.provider.code,
                service=row.service.name,
                agreement=row.sla.agreement.number if row.sla_id else None,
                kind=row.kind,
                period=row.period,
                met=row.met,
                eligible=row.eligible,
                target_pct=row.target_pct,
            ),
            breaches_url(provider=row.provider.code, period=row.period),
        )
        for row in rows
    ]


def register() -> None:
    register_source(
        InboxSource(
            key="compliance.breaches",
            title="Open breaches",
            nav="compliance",
            more_url="/compliance/?status=breached",
            pending=_breaches,
            items=_items,
            order=50,
        )
    )
