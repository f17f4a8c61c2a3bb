"""Reference and demo data keep the designation rule: every SLA has, for each of its
services, its provider designated for its client on its start date; the demo records all
have their designation; the demo shows requests waiting and one declined."""

import io

import pytest
from django.core.management import call_command

from catalogue.models import Designation
from catalogue.selectors import designated_providers
from records.models import RecordImport
from sla.models import SlaLine

pytestmark = pytest.mark.django_db


def test_every_seeded_sla_has_its_designations():
    call_command("seed_demo", stdout=io.StringIO())
    lines = SlaLine.objects.select_related(
        "sla__agreement__provider", "sla__agreement__client", "offering__service"
    )
    assert lines.exists()
    missing = []
    for item in lines:
        sla, service = item.sla, item.offering.service
        client_id = sla.agreement.client_id
        chosen = designated_providers(client_ids=[client_id], services=[service], on=sla.start_date)
        found = chosen.get((client_id, service.pk))
        if found is None or found.provider_id != sla.agreement.provider_id:
            missing.append(f"{sla} {service.code}")
    assert missing == []
    # The demo records too: no import warning.
    assert not RecordImport.objects.filter(undesignated_count__gt=0).exists()
    statuses = sorted(
        Designation.objects.filter(basis__startswith="Demo request").values_list(
            "status", flat=True
        )
    )
    assert statuses == ["declined", "requested", "requested"]
    call_command("seed_demo", stdout=io.StringIO())  # again: nothing more
    assert Designation.objects.filter(basis__startswith="Demo request").count() == 3


def test_unep_is_served_by_unon_for_official_travel():
    """The catalogue and UNON's travel SLA with UNEP agree (the same rule answers both)."""
    import datetime as dt

    from catalogue.models import Service
    from catalogue.selectors import designated_provider
    from clients.models import ClientEntity

    for code in ("UNEP", "UN-HABITAT"):
        found = designated_provider(
            client=ClientEntity.objects.get(code=code),
            service=Service.objects.get(code="TRV-OFF"),
            on=dt.date(2026, 6, 1),
        )
        assert found is not None and found.provider.code == "UNON"
