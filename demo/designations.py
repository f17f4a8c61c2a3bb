"""Demo designation requests (labelled demo), so that the workflow is visible: two requests
waiting for a catalogue manager and one declined with its reason.

- ``demo-client-unep`` asks for UNICTF (Valencia) to host a UNEP platform (ICT-HST, a
  service-level designation that would override UNON for that one service): pending.
- ``demo-client-unama`` asks for RSCE (Entebbe) for education grants (PAY-EG): pending.
- ``demo-client-unep`` asked for UNOG for meetings servicing (CONF-MTG); ``demo-catalogue``
  declined it (UNON already serves UNEP for conference management).

Everything goes through the services; running it again changes nothing.
"""

import datetime as dt

from django.contrib.auth import get_user_model

from catalogue.models import Designation, Service
from catalogue.services import designation_decline, designation_request
from clients.models import ClientEntity
from core.months import add_months, month_start
from core.zones import portal_today
from providers.models import ServiceProvider

DEMO_BASIS = "Demo request (illustrative): "
# (user, client, provider, service, basis, decline reason or "")
REQUESTS = (
    ("demo-client-unep", "UNEP", "UNICTF", "ICT-HST",
     "hosting of UNEP's environmental data platform at the UN ICT Facility.", ""),
    ("demo-client-unama", "UNAMA", "RSCE", "PAY-EG",
     "education grant claims processed with the other RSCE mission clients.", ""),
    ("demo-client-unep", "UNEP", "UNOG", "CONF-MTG",
     "meetings servicing for a Geneva-based conference.",
     "UNON is designated for UNEP's conference management; a single meeting in Geneva is "
     "arranged with UNOG case by case, not by designation."),
)  # fmt: skip


def seed_demo_designations(today: dt.date | None = None) -> str:
    today = today or portal_today()
    if Designation.objects.filter(basis__startswith=DEMO_BASIS).exists():
        return "designation requests: kept."
    users = get_user_model().objects
    curator = users.get(username="demo-catalogue")
    starts = month_start(add_months(month_start(today), 1))
    for username, client, provider, service, basis, declined in REQUESTS:
        request = designation_request(
            user=users.get(username=username),
            client=ClientEntity.objects.get(code=client),
            provider=ServiceProvider.objects.get(code=provider),
            service=Service.objects.get(code=service),
            area=None,
            valid_from=starts,
            basis=DEMO_BASIS + basis,
        )
        if declined:
            designation_decline(user=curator, designation=request, reason=declined)
    return "designation requests: 2 pending, 1 declined."
