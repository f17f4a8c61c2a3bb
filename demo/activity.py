"""Demo activity for the embedded default: service records, SLAs and their compliance.

Everything is labelled demo (references start with DEMO-, the SLAs' notes say so) and
goes through the real services, so the demo shows what the portal really computes.
Running it again in the same month changes nothing.
"""

import datetime as dt
import io
import random

from django.contrib.auth import get_user_model

from catalogue.models import Offering
from clients.models import ClientEntity
from compliance.engine import compute_provider_month, shards_to_compute
from core.months import month_start
from core.zones import portal_today
from providers.models import ServiceProvider
from records.imports.parse import read_csv
from records.services import records_import
from sla.models import Agreement
from sla.services import LineInput, sla_approve, sla_create, sla_submit

HEADER = "external_ref,provider,client,service,received_at,completed_at,status,pauses,defective\n"
# (provider, clients, services)
STREAMS = (
    ("UNON", ("UNEP", "UN-HABITAT"), ("CONF-DOC", "FIN-VEN", "HR-ADM", "TRV-OFF")),
    ("KJSO", ("UNAMA",), ("PAY-OFF", "PAY-RUN", "HR-ONB", "TRV-OFF")),
)
DEMO_NOTE = "Demo agreement: illustrative, not a real SLA."


def _records_csv(today: dt.date, per_month: int = 60) -> str:
    """About six months of records per stream, received up to yesterday; a month's records
    are the same whenever the demo is seeded (none lies in the future)."""
    first = month_start(today)
    rng = random.Random(first.toordinal())  # noqa: S311 - demo data, not security
    lines = []
    for provider, clients, services in STREAMS:
        for months_back in range(5, -1, -1):
            start = month_start(first - dt.timedelta(days=28 * months_back))
            for n in range(per_month):
                received = dt.datetime.combine(
                    start + dt.timedelta(days=rng.randrange(27)), dt.time(8 + rng.randrange(8))
                )
                span = dt.timedelta(hours=rng.choice((2, 6, 20, 30, 50, 80, 120, 200, 400)))
                completed = received + span
                # Every draw is made whatever today is, so that a past month's records are
                # the same from one day to the next.
                is_open = rng.random() < 0.04 or completed.date() >= today
                client, service = rng.choice(clients), rng.choice(services)
                defective = "true" if rng.random() < 0.04 else "false"
                if received.date() >= today:
                    continue  # demo data never lies in the future (nor later today)
                ref = f"DEMO-{provider}-{start:%Y%m}-{n:03d}"
                lines.append(
                    ",".join(
                        [
                            ref,
                            provider,
                            client,
                            service,
                            received.isoformat(timespec="minutes"),
                            "" if is_open else completed.isoformat(timespec="minutes"),
                            "",
                            "",
                            defective,
                        ]
                    )
                )
    return HEADER + "\n".join(lines) + "\n"


def _demo_sla(provider_code, client_code, services, *, approve: bool, today: dt.date):
    provider = ServiceProvider.objects.get(code=provider_code)
    client = ClientEntity.objects.get(code=client_code)
    if Agreement.objects.filter(provider=provider, client=client).exists():
        return None
    users = get_user_model().objects
    staff = users.get(username=f"demo-staff-{provider_code.lower()}")
    lines = [
        LineInput(
            offering=Offering.objects.get(provider=provider, service__code=code),
            expected_volume=600,
        )
        for code in services
    ]
    start = month_start(today - dt.timedelta(days=150))
    sla = sla_create(
        user=staff,
        provider=provider,
        client=client,
        start_date=start,
        end_date=dt.date(start.year + 1, start.month, 1) - dt.timedelta(days=1),
        lines=lines,
        notes=DEMO_NOTE,
    )
    sla_submit(sla=sla, user=staff)
    if approve:
        sla_approve(sla=sla, user=users.get(username=f"demo-client-{client_code.lower()}"))
        sla_approve(sla=sla, user=users.get(username=f"demo-manager-{provider_code.lower()}"))
    return sla


def seed_demo_activity(today: dt.date | None = None) -> str:
    today = today or portal_today()
    result = records_import(
        rows=read_csv(io.BytesIO(_records_csv(today).encode())), filename="demo.csv"
    )
    active = _demo_sla("UNON", "UNEP", ("CONF-DOC", "FIN-VEN"), approve=True, today=today)
    waiting = _demo_sla("KJSO", "UNAMA", ("PAY-OFF", "HR-ONB"), approve=False, today=today)
    shards = shards_to_compute()
    for provider_id, month in shards:
        compute_provider_month(provider_id=provider_id, month=month, trigger="demo")
    return (
        f"records: {result.message} SLAs: {'1 approved' if active else 'kept'}, "
        f"{'1 waiting for signatures' if waiting else 'kept'}; "
        f"{len(shards)} provider-months computed."
    )
