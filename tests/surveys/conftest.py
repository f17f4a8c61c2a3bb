import datetime as dt

import pytest

from accounts.choices import Role
from catalogue.models import Offering
from clients.models import ClientEntity
from providers.models import ServiceProvider
from tests.factories import user_with_role
from tests.sla.factories import line, make_approved, make_people
from tests.surveys.factories import answer, at, focal_points, open_campaign


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


@pytest.fixture
def answered(world):
    """UNON's travel service: six answers in January (four satisfied), one in February;
    an SLA with UNEP in force from 15 January with a stricter satisfaction target (90%)."""
    people = make_people()
    sla = make_approved(
        people,
        start=dt.date(2026, 1, 15),
        end=dt.date(2027, 1, 14),
        lines=[line("TRV-OFF", targets=[{"standard": "MSS-TRV-OFF-S", "target_pct": "90"}])],
    )
    campaign = open_campaign(world, clients=[world["unep"], world["unama"]])
    campaign.clients.add(people.other_focal.memberships.get().client)  # UN-Habitat
    unep = focal_points(world["unep"], 5, prefix="unep")
    habitat = focal_points(people.other_focal.memberships.get().client, 2, prefix="hab")
    trv = world["unon_trv"]
    answer(unep[0], campaign, trv, overall=5, now=at(10))  # before the SLA: MSS only
    answer(unep[1], campaign, trv, overall=4, now=at(20))
    answer(unep[2], campaign, trv, overall=3, now=at(20))
    answer(unep[3], campaign, trv, overall=5, now=at(21))
    answer(habitat[0], campaign, trv, overall=2, now=at(20))  # other client: MSS only
    answer(habitat[1], campaign, trv, overall=5, now=at(20))
    # 22:30 UTC on 31 January is 01:30 on 1 February in Nairobi: counts in February.
    answer(unep[4], campaign, trv, overall=4, now=dt.datetime(2026, 1, 31, 22, 30, tzinfo=dt.UTC))
    return {"sla": sla, "campaign": campaign, "unep": unep}
