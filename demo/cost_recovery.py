"""Demo cost recovery for the embedded default (labelled demo): a few demo rates on the
rate card, consistent with the demo records, and one issued demo statement.

- UNON CONF-DOC: the reference rate (114.00 USD) ends with the month three months ago; a
  demo rate of 118.50 USD applies from the month after.
- UNON FIN-VEN: the reference rate ends on the 14th of last month; a demo rate, charging
  defective deliveries too, applies from the 15th (last month's statement has a line
  per rate).
- KJSO PAY-OFF: a demo rate of 25.00 USD from the first of last month.
- UNON → UNEP: last month's statement, issued by ``demo-manager-unon`` through the real
  service (``demo-client-unep`` can acknowledge or dispute it).

Everything goes through the services; running it again changes nothing.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model

from catalogue.models import Offering
from clients.models import ClientEntity
from core.exceptions import ApplicationError
from core.months import add_months, month_start
from core.zones import portal_today
from cost_recovery.models import Statement
from cost_recovery.services import rate_create, rate_update, statement_issue
from providers.models import ServiceProvider

DEMO_VERIFICATION = "illustrative: demo rate, not a real price"


def _demo_rate(curator, provider, service, *, starts, rate, charge_defective=False) -> bool:
    offering = Offering.objects.select_related("provider").get(
        provider__code=provider, service__code=service
    )
    if offering.rates.filter(is_demo=True).exists():
        return False
    for current in offering.rates.filter(valid_from__lt=starts, valid_to__isnull=True):
        rate_update(user=curator, rate=current, changes={"valid_to": starts - dt.timedelta(days=1)})
    rate_create(
        user=curator,
        offering=offering,
        rate=rate,
        currency="USD",
        valid_from=starts,
        charge_defective=charge_defective,
        is_demo=True,
        source="seed_demo",
        verification=DEMO_VERIFICATION,
    )
    return True


def seed_demo_cost_recovery(today: dt.date | None = None) -> str:
    today = today or portal_today()
    this_month = month_start(today)
    last_month = add_months(this_month, -1)
    users = get_user_model().objects
    curator = users.get(username="demo-catalogue")
    added = sum(
        (
            _demo_rate(
                curator,
                "UNON",
                "CONF-DOC",
                starts=add_months(this_month, -2),
                rate=Decimal("118.50"),
            ),
            _demo_rate(
                curator,
                "UNON",
                "FIN-VEN",
                starts=last_month.replace(day=15),
                rate=Decimal("21.75"),
                charge_defective=True,
            ),
            _demo_rate(curator, "KJSO", "PAY-OFF", starts=last_month, rate=Decimal("25.00")),
        )
    )
    issued = "kept"
    if not Statement.objects.filter(is_demo=True).exists():
        provider = ServiceProvider.objects.select_related("duty_station").get(code="UNON")
        try:
            statement_issue(
                user=users.get(username="demo-manager-unon"),
                provider=provider,
                client=ClientEntity.objects.get(code="UNEP"),
                month=last_month,
                is_demo=True,
            )
            issued = f"UNON → UNEP {last_month:%Y-%m} issued"
        except ApplicationError as exc:  # e.g. last month is not over yet in Nairobi
            issued = f"not issued ({exc.message})"
    return f"cost recovery: {added} demo rate(s) added, statement {issued}."
