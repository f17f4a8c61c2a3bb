"""Satisfaction compliance (DOMAIN §5, kind ``satisfaction``) from the survey answers.

eligible = the answers about a provider and service given in the month (the month, in
the provider's time zone, of the day the answer was first given); met = those with an
overall score of 4 or 5. Minimum service standards count every client's answers; an SLA
target counts the answers of its client given while its SLA version was in force.

The compliance engine (``compliance.engine``) builds the measures, stores the
results, marks them provisional and notifies breaches for every kind alike; this module
gives it only the counts, as the counter registered for ``satisfaction``.
"""

from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db.models import Count, Q

from providers.models import ServiceProvider

from ..choices import SATISFIED_FROM, CampaignStatus
from ..models import Answer

COUNTED_CAMPAIGNS = (CampaignStatus.OPEN, CampaignStatus.CLOSED)


def satisfaction_totals(measures, bounds) -> dict[str, tuple[int, int]]:
    """The compliance engine's counter for kind ``satisfaction`` (registered in
    ``SurveysConfig.ready``): (eligible, met) per measure key, from the answers.

    A standard counts every client's answers about its provider and service in the
    month; an SLA target counts its client's answers given on the local days its SLA
    version was in force (the measure's window). Two queries, whatever the number of
    measures and months.
    """
    if not measures:
        return {}
    provider_ids = {m.provider_id for m in measures}
    zones = {
        pk: ZoneInfo(tz)
        for pk, tz in ServiceProvider.objects.filter(pk__in=provider_ids).values_list(
            "pk", "duty_station__timezone"
        )
    }
    counts = _answer_counts(provider_ids, {m.month for m in measures})
    totals = {}
    for m in measures:
        zone = zones[m.provider_id]
        # The window is in UTC instants from local midnight to local midnight.
        first = m.window[0].astimezone(zone).date()
        after = m.window[1].astimezone(zone).date()
        eligible = met = 0
        for (service_id, client_id, day), (n, ok) in counts.get(
            (m.provider_id, m.month), {}
        ).items():
            if service_id != m.service_id or not first <= day < after:
                continue
            if m.client_id is not None and client_id != m.client_id:
                continue
            eligible, met = eligible + n, met + ok
        totals[m.key] = (eligible, met)
    return totals


def _answer_counts(provider_ids, months) -> dict[tuple, dict[tuple, tuple[int, int]]]:
    """(answers, satisfied) per (provider, month) and then (service, client, local day),
    by one grouped query over the answers of open and closed campaigns."""
    counts: dict[tuple, dict] = defaultdict(dict)
    grouped = (
        Answer.objects.filter(
            provider_id__in=provider_ids,
            answer_month__in=months,
            campaign__status__in=COUNTED_CAMPAIGNS,
        )
        .order_by()
        .values("provider_id", "answer_month", "service_id", "client_id", "answered_on")
        .annotate(n=Count("id"), ok=Count("id", filter=Q(overall__gte=SATISFIED_FROM)))
    )
    for g in grouped:
        shard = (g["provider_id"], g["answer_month"])
        counts[shard][(g["service_id"], g["client_id"], g["answered_on"])] = (g["n"], g["ok"])
    return counts
