"""The survey's source of the work inbox (``core.inbox``): open campaigns that invite the
user and that they have not answered yet."""

from django.db.models import Exists, OuterRef
from django.urls import reverse

from core.inbox import InboxItem, InboxSource, register_source

from .choices import CampaignStatus
from .models import Answer, Invitation


def _unanswered(user, scope):
    if not scope.focal_point_client_ids:
        return None
    answered = Answer.objects.filter(campaign_id=OuterRef("campaign_id"), respondent=user)
    return Invitation.objects.filter(user=user, campaign__status=CampaignStatus.OPEN).exclude(
        Exists(answered)
    )


def _items(user, scope, limit):
    rows = (
        _unanswered(user, scope)
        .select_related("campaign", "client")
        .order_by("campaign__closes_on", "pk")[:limit]
    )
    return [
        InboxItem(
            f"{row.campaign.name} for {row.client.code}: open until "
            f"{row.campaign.closes_on:%Y-%m-%d}",
            reverse("surveys:campaign-detail", args=[row.campaign_id]),
        )
        for row in rows
    ]


def register() -> None:
    register_source(
        InboxSource(
            key="surveys.unanswered",
            title="Surveys you have not answered",
            nav="surveys",
            more_url="/surveys/",
            pending=_unanswered,
            items=_items,
            order=20,
        )
    )
