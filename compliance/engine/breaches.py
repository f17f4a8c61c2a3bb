"""The notices of newly breached results, to the provider's people and, for an SLA
target, its client's focal points. Only results of a month that is over in the provider's
zone are announced (the engine marks no provisional breach as notified); each notice says
that the month is over and its figure final."""

from accounts.choices import Role
from accounts.services import Notice, notify_all, role_holders

from ..models import WITHHELD_RESULTS, ComplianceResult
from ..wording import breach_sentence, breaches_url


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
            "service__name",
            "kind",
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
        service,
        kind,
        agreement,
        period,
        met,
        eligible,
        pct,
    ) in results:
        notices.append(
            Notice(
                users=by_provider.get(provider_id, []) + by_client.get(client_id, []),
                verb="compliance.breached",
                title=f"{provider} missed {'an SLA target' if agreement else 'a standard'}"
                f" in {period:%B %Y}",
                message=(
                    breach_sentence(
                        provider=provider,
                        service=service,
                        agreement=agreement,
                        kind=kind,
                        period=period,
                        met=met,
                        eligible=eligible,
                        target_pct=pct,
                    )
                    + f". {period:%B %Y} is over in the provider's time zone: this figure "
                    "is final."
                ),
                url=breaches_url(provider=provider, period=period),
            )
        )
    notify_all(notices)
