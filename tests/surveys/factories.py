"""Test data for the survey: focal points, an open campaign, answers at fixed instants."""

import datetime as dt

from accounts.choices import Role
from surveys.services import AnswerInput, answer_submit, campaign_create, campaign_open
from tests.factories import user_with_role

# A fixed "now" inside the campaign: Wednesday 14 January 2026, 10:00 UTC.
NOW = dt.datetime(2026, 1, 14, 10, 0, tzinfo=dt.UTC)
JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 1)


def at(day: int, month: int = 1, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=dt.UTC)


def focal_points(client, n: int, prefix: str = "fp"):
    return [
        user_with_role(Role.CLIENT_FOCAL_POINT, client=client, email=f"{prefix}{i}@example.org")
        for i in range(n)
    ]


def open_campaign(
    world,
    *,
    offerings=None,
    clients=None,
    opens_on=dt.date(2026, 1, 1),
    closes_on=dt.date(2026, 3, 31),
    name="Survey 2026",
):
    campaign = campaign_create(
        user=world["curator"],
        name=name,
        opens_on=opens_on,
        closes_on=closes_on,
        offerings=offerings or [world["unon_trv"], world["kjso_trv"]],
        clients=clients or [world["unep"]],
    )
    return campaign_open(campaign=campaign, user=world["curator"])


def scores(overall=4, others=4, comment=""):
    return AnswerInput(overall, others, others, others, others, comment)


def answer(user, campaign, offering, overall=4, comment="", now=NOW, **kwargs):
    return answer_submit(
        user=user,
        campaign=campaign,
        offering=offering,
        data=scores(overall, comment=comment),
        now=now,
        **kwargs,
    )
