import datetime as dt

import pytest

from accounts.choices import Role
from catalogue.models import Offering
from clients.models import ClientEntity
from providers.models import ServiceProvider
from surveys.services import AnswerInput, answer_submit, campaign_create, campaign_open
from tests.factories import user_with_role

# A fixed "now" inside the campaign: Wednesday 14 January 2026, 10:00 UTC.
NOW = dt.datetime(2026, 1, 14, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def world():
    """UNON and KJSO asked about travel (TRV-OFF, which has the satisfaction standard
    MSS-TRV-OFF-S at 80%), UNEP invited, UNAMA not."""
    unon = ServiceProvider.objects.get(code="UNON")
    kjso = ServiceProvider.objects.get(code="KJSO")
    unep = ClientEntity.objects.get(code="UNEP")
    unama = ClientEntity.objects.get(code="UNAMA")
    curator = user_with_role(Role.CATALOGUE_MANAGER)
    return {
        "unon": unon,
        "kjso": kjso,
        "unep": unep,
        "unama": unama,
        "curator": curator,
        "unon_trv": Offering.objects.select_related("provider__duty_station", "service").get(
            provider=unon, service__code="TRV-OFF"
        ),
        "kjso_trv": Offering.objects.select_related("provider__duty_station", "service").get(
            provider=kjso, service__code="TRV-OFF"
        ),
        "unon_conf": Offering.objects.get(provider=unon, service__code="CONF-DOC"),
    }


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
