"""Demo support capacities for the embedded default, **illustrative** (made up to show the
duplication analysis, not real staffing figures; each row is marked ``is_demo`` and says so
in its ``source``):

- several entities running their own HR and finance teams at the same duty stations
  (Nairobi, Bangkok, Beirut, Addis Ababa): local sharing opportunities, most of them
  costed, one pair in two currencies;
- own teams for areas whose location-independent services global or regional providers
  offer (e.g. UNSOS payroll in Mogadishu, where the Regional Service Centre in Entebbe
  offers payroll): consolidation candidates;
- teams at hardship duty stations (Juba, Bangui, Kabul, Mogadishu, Hodeidah,
  Port-au-Prince);
- and entities served by a provider (no posts of their own).

Everything goes through the service; running it again changes nothing.
"""

from decimal import Decimal

from django.contrib.auth import get_user_model

from capacities.models import SupportCapacity
from capacities.services import capacity_create
from catalogue.models import FunctionalArea
from clients.models import ClientEntity
from core.models import DutyStation
from providers.models import ServiceProvider

DEMO_SOURCE = "Illustrative demo data (seed_demo): not real staffing figures."

# (entity, duty station, area, posts or provider code, annual cost, currency)
DEMO_CAPACITIES = (
    # Nairobi: three entities' own HR teams, three finance teams.
    ("UNEP", "NBO", "HR", "6", "780000", "USD"),
    ("UN-HABITAT", "NBO", "HR", "4", "520000", "USD"),
    ("OCHA", "NBO", "HR", "2", None, ""),
    ("UNEP", "NBO", "FIN", "5", "610000", "USD"),
    ("UN-HABITAT", "NBO", "FIN", "3.5", "430000", "USD"),
    ("RCO-KEN", "NBO", "FIN", "1", "95000", "USD"),
    ("UNEP", "NBO", "FAC", "UNON", None, ""),
    ("UN-HABITAT", "NBO", "ICT", "UNON", None, ""),
    # Bangkok
    ("ESCAP", "BKK", "HR", "8", "920000", "USD"),
    ("OCHA", "BKK", "HR", "1.5", "160000", "USD"),
    ("UNODC", "BKK", "HR", "2", "210000", "USD"),
    ("UNODC", "BKK", "FIN", "2", "7200000", "THB"),
    ("OHCHR", "BKK", "FIN", "1", "110000", "USD"),
    ("UNEP", "BKK", "FIN", "1.5", None, ""),
    # Beirut
    ("ESCWA", "BEY", "HR", "5", "600000", "USD"),
    ("UNSCOL", "BEY", "HR", "1", "120000", "USD"),
    ("RCO-LBN", "BEY", "HR", "0.5", "55000", "USD"),
    ("ESCWA", "BEY", "FIN", "4", "480000", "USD"),
    ("UNSCOL", "BEY", "FIN", "1", "115000", "USD"),
    # Addis Ababa
    ("ECA", "ADD", "HR", "7", "700000", "USD"),
    ("UNOAU", "ADD", "HR", "2", "230000", "USD"),
    ("ECA", "ADD", "FIN", "6", "640000", "USD"),
    ("UNOAU", "ADD", "FIN", "1.5", "170000", "USD"),
    ("OCHA", "ADD", "FIN", "1", "105000", "USD"),
    # Hardship duty stations, and consolidation candidates
    ("UNSOS", "MGQ", "PAY", "3", "390000", "USD"),
    ("UNSOS", "MGQ", "FAC", "14", "1500000", "USD"),
    ("UNMISS", "JUB", "HR", "RSCE", None, ""),
    ("UNMISS", "JUB", "FAC", "12", "1250000", "USD"),
    ("MINUSCA", "BGF", "HR", "RSCE", None, ""),
    ("MINUSCA", "BGF", "FAC", "10", None, ""),
    ("UNAMA", "KBL", "HR", "KJSO", None, ""),
    ("UNAMA", "KBL", "FAC", "8", "820000", "USD"),
    ("UNMHA", "HOD", "HR", "2", "260000", "USD"),
    ("BINUH", "PAP", "FIN", "3", "330000", "USD"),
    # Served by a provider elsewhere
    ("UNODC", "VIE", "HR", "UNOV", None, ""),
    ("OHCHR", "GVA", "HR", "UNOG", None, ""),
    ("DPPA", "NYC", "HR", "DOS", None, ""),
)


def seed_demo_capacities() -> str:
    curator = get_user_model().objects.get(username="demo-catalogue")
    clients = {c.code: c for c in ClientEntity.objects.all()}
    stations = {s.code: s for s in DutyStation.objects.all()}
    areas = {a.code: a for a in FunctionalArea.objects.all()}
    providers = {p.code: p for p in ServiceProvider.objects.all()}
    taken = set(
        SupportCapacity.objects.values_list("client__code", "duty_station__code", "area__code")
    )
    added = 0
    for client, station, area, posts, cost, currency in DEMO_CAPACITIES:
        if (client, station, area) in taken:
            continue
        served_by = providers.get(posts)
        capacity_create(
            user=curator,
            client=clients[client],
            duty_station=stations[station],
            area=areas[area],
            served_by=served_by,
            posts=None if served_by else Decimal(posts),
            annual_cost=Decimal(cost) if cost else None,
            currency=currency,
            source=DEMO_SOURCE,
            is_demo=True,
        )
        added += 1
    return f"support capacities: {added} illustrative demo row(s) added."
