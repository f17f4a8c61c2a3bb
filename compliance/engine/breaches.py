"""The notices of newly breached results, to the provider's people and, for an SLA
target, its client's focal points. Only results of a month that is over in the provider's
zone are announced (the engine marks no provisional breach as notified); each notice says
that the month is over and its figure final."""

from accounts.choices import Role
from accounts.services import Notice, notify_all, role_holders

from ..models import WITHHELD_RESULTS, ComplianceResult


def _notify_breaches(keys: list[str]) -> None:
    """Tell each newly breached result's provider (managers and staff) and, for an SLA
    target, its client's focal points: their people looked up in one query, the
    notifications written in one insert, whatever the number of breaches."""
    # Survey anonymity: a satisfaction breach from too few answers is not announced (its
    # status is not shown anywhere; "1 of 2 met" would give the answers away).
    results = list(
        ComplianceResult.objects.filter(key__in=keys, provisional=False)
        .exclude(WITHHELD_RESULTS)
        .values_list(
            "provider_id",
            "client_id",
            "provider__code",
            "standard__code",
            "sla__agreement__number",
            "period",
            "met",
            "eligible",
            "target_pct",
        )
    )  # plain values: a month's close may breach thousands at once
    by_provider, by_client = role_holders(
        provider_roles=(Role.PROVIDER_MANAGER, Role.PROVIDER_STAFF),
        provider_ids={r[0] for r in results},
        client_roles=(Role.CLIENT_FOCAL_POINT,),
        client_ids={r[1] for r in results if r[1]},
    )
    notices = []
    for (
        provider_id,
        client_id,
        provider,
        standard,
        agreement,
        period,
        met,
        eligible,
        pct,
    ) in results:
        what = f"{agreement} target" if agreement else "standard"
        notices.append(
            Notice(
                users=by_provider.get(provider_id, []) + by_client.get(client_id, []),
                verb="compliance.breached",
                title=f"Breached: {standard} ({what}), {period:%Y-%m}",
                message=(
                    f"{provider}: {met} of {eligible} met, below "
                    f"the target of {pct.normalize():f}%. {period:%B %Y} is over in the "
                    "provider's time zone: this figure is final."
                ),
                url=f"/api/v1/compliance/?provider={provider}"
                f"&period={period:%Y-%m}&status=breached",
            )
        )
    notify_all(notices)
