"""Reads of the survey: the campaigns a user may see, their own answers, and the
anonymous results (per campaign, provider and service).

Anonymity: a result cell with fewer than ``MIN_ANSWERS_SHOWN`` answers shows no figure;
nobody but its author ever reads an individual answer; comments are shown without
their author, only in cells that reach the threshold.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Prefetch, Q, QuerySet

from accounts.selectors import user_scope
from catalogue.models import Offering
from compliance.choices import MIN_ANSWERS_SHOWN
from core.figures import percent_of

from .choices import SATISFIED_FROM, SCORE_FIELDS, CampaignStatus
from .models import Answer, Campaign, Invitation


def campaign_queryset(*, user) -> QuerySet[Campaign]:
    """Campaigns ``user`` may see: catalogue managers and management all; a client focal
    point those (not draft) that invite their entity; provider users those (not draft)
    that ask about their provider."""
    scope = user_scope(user)
    qs = Campaign.objects.select_related("template")
    if scope.sees_everything:
        return qs
    if not (scope.client_ids or scope.provider_ids):
        return qs.none()
    visible = Q(clients__in=scope.client_ids) | Q(offerings__provider_id__in=scope.provider_ids)
    ids = Campaign.objects.filter(visible).values("pk")
    return qs.filter(pk__in=ids).exclude(status=CampaignStatus.DRAFT)


def campaign_detail(*, user, pk: int) -> Campaign:
    """One visible campaign with what it covers (raises Campaign.DoesNotExist)."""
    return (
        campaign_queryset(user=user)
        .prefetch_related(
            Prefetch(
                "offerings",
                queryset=Offering.objects.select_related("provider", "service").order_by(
                    "provider__code", "service__code"
                ),
            ),
            "clients",
        )
        .get(pk=pk)
    )


def answer_queryset(*, user) -> QuerySet[Answer]:
    """The user's own answers, and nobody else's."""
    if not user_scope(user).authenticated:
        return Answer.objects.none()
    return Answer.objects.filter(respondent=user).select_related(
        "campaign", "client", "provider", "service"
    )


def answerable_offerings(*, user, campaign: Campaign) -> list[tuple[Offering, Answer | None]]:
    """What the user may answer about in a campaign, each with their answer so far."""
    mine = {
        (a.provider_id, a.service_id): a
        for a in Answer.objects.filter(campaign=campaign, respondent=user)
    }
    return [(o, mine.get((o.provider_id, o.service_id))) for o in campaign.offerings.all()]


@dataclass
class ResultCell:
    """The aggregate of one campaign, provider and service. ``shown`` is False below the
    anonymity threshold, and then every figure is None."""

    campaign: Campaign
    offering: Offering
    answers: int
    invited: int
    shown: bool
    response_rate: Decimal | None = None
    satisfied_share: Decimal | None = None
    means: dict[str, Decimal | None] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)

    @property
    def provider(self):
        return self.offering.provider

    @property
    def service(self):
        return self.offering.service


def _mean(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def results(
    *,
    user,
    campaign: Campaign | None = None,
    provider=None,
    service=None,
    period: dt.date | None = None,
) -> list[ResultCell]:
    """Result cells the user may see, one per campaign and covered provider service (four
    queries whatever the number of cells). Providers see only their own providers' cells;
    client focal points those of campaigns that invite them; global roles everything.
    ``period`` keeps the campaigns running in that month."""
    scope = user_scope(user)
    campaigns = campaign_queryset(user=user).exclude(status=CampaignStatus.DRAFT)
    if campaign is not None:
        campaigns = campaigns.filter(pk=campaign.pk)
    if period is not None:
        last = (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        campaigns = campaigns.filter(opens_on__lt=last, closes_on__gte=period)
    coverage = Campaign.offerings.through.objects.filter(campaign__in=campaigns).select_related(
        "campaign", "campaign__template", "offering__provider", "offering__service"
    )
    if not scope.sees_everything:
        # A provider sees its own cells only; a client every cell of a campaign it is in.
        inviting = Campaign.objects.filter(clients__in=scope.client_ids).values("pk")
        coverage = coverage.filter(
            Q(offering__provider_id__in=scope.provider_ids) | Q(campaign_id__in=inviting)
        )
    if provider is not None:
        coverage = coverage.filter(offering__provider=provider)
    if service is not None:
        coverage = coverage.filter(offering__service=service)
    coverage = list(
        coverage.order_by(
            "-campaign__opens_on",
            "campaign_id",
            "offering__provider__code",
            "offering__service__code",
        )
    )
    if not coverage:
        return []
    campaign_ids = {c.campaign_id for c in coverage}
    invited = dict(
        Invitation.objects.filter(campaign_id__in=campaign_ids)
        .order_by()
        .values("campaign_id")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("campaign_id", "n")
    )
    aggregates = {
        (a["campaign_id"], a["provider_id"], a["service_id"]): a
        for a in Answer.objects.filter(campaign_id__in=campaign_ids)
        .order_by()
        .values("campaign_id", "provider_id", "service_id")
        .annotate(
            n=Count("id"),
            satisfied=Count("id", filter=Q(overall__gte=SATISFIED_FROM)),
            **{f"mean_{name}": Avg(name) for name in SCORE_FIELDS},
        )
    }
    shown_keys = {key for key, a in aggregates.items() if a["n"] >= MIN_ANSWERS_SHOWN}
    comments: dict[tuple, list[str]] = {}
    if shown_keys:
        # No author, no date, sorted by text: a comment cannot be traced back to a person.
        for key_campaign, key_provider, key_service, text in (
            Answer.objects.filter(campaign_id__in={k[0] for k in shown_keys})
            .exclude(comment="")
            .order_by("comment")
            .values_list("campaign_id", "provider_id", "service_id", "comment")
        ):
            key = (key_campaign, key_provider, key_service)
            if key in shown_keys:
                comments.setdefault(key, []).append(text)
    cells = []
    for link in coverage:
        offering = link.offering
        key = (link.campaign_id, offering.provider_id, offering.service_id)
        agg = aggregates.get(key)
        n = agg["n"] if agg else 0
        people = invited.get(link.campaign_id, 0)
        cell = ResultCell(
            campaign=link.campaign, offering=offering, answers=n, invited=people, shown=False
        )
        if key in shown_keys:
            cell.shown = True
            cell.response_rate = percent_of(n, people, places=1)
            cell.satisfied_share = percent_of(agg["satisfied"], n, places=1)
            cell.means = {name: _mean(agg[f"mean_{name}"]) for name in SCORE_FIELDS}
            cell.comments = comments.get(key, [])
        cells.append(cell)
    return cells


EXPORT_HEADER = (
    "campaign",
    "opens_on",
    "closes_on",
    "provider",
    "service",
    "answers",
    "invited",
    "response_rate_pct",
    "satisfied_pct",
    *(f"mean_{name}" for name in SCORE_FIELDS),
)


def export_rows(cells: list[ResultCell]):
    """Rows for the CSV/XLSX export (a cell below the threshold shows no figure)."""
    for c in cells:
        figures = (
            [c.answers, c.invited, c.response_rate, c.satisfied_share]
            + [c.means[name] for name in SCORE_FIELDS]
            if c.shown
            else [f"fewer than {MIN_ANSWERS_SHOWN}", c.invited, None, None]
            + [None] * len(SCORE_FIELDS)
        )
        yield [
            c.campaign.name,
            c.campaign.opens_on,
            c.campaign.closes_on,
            c.provider.code,
            c.service.code,
            *figures,
        ]
