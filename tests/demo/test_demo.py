"""The demo data of the embedded default: every role, records, SLAs and compliance."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from accounts.choices import Role
from compliance.models import ComplianceResult
from records.models import ServiceRecord
from sla.models import Agreement

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_gives_the_same_rows_and_a_login_per_role():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    counts = (
        get_user_model().objects.count(),
        ServiceRecord.objects.count(),
        Agreement.objects.count(),
        ComplianceResult.objects.count(),
    )
    call_command("seed_demo", stdout=io.StringIO())
    assert counts == (
        get_user_model().objects.count(),
        ServiceRecord.objects.count(),
        Agreement.objects.count(),
        ComplianceResult.objects.count(),
    )
    text = out.getvalue()
    for role in Role:
        assert role.label.split(" (")[0] in text, role
    assert ServiceRecord.objects.filter(external_ref__startswith="DEMO-").count() == counts[1]
    assert ComplianceResult.objects.filter(eligible__gt=0).exists()
    assert all("Demo" in sla.notes for a in Agreement.objects.all() for sla in a.versions.all())


def test_demo_data_never_lies_in_the_future():
    call_command("seed_demo", stdout=io.StringIO())
    now = timezone.now()
    assert ServiceRecord.objects.exists()
    assert not ServiceRecord.objects.filter(received_at__gt=now).exists()
    assert not ServiceRecord.objects.filter(completed_at__gt=now).exists()
    assert not ComplianceResult.objects.filter(period__gt=timezone.localdate()).exists()


def test_demo_rates_and_one_issued_demo_statement_consistent_with_the_records():
    from cost_recovery.models import Rate, Statement
    from cost_recovery.selectors import statement_for

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    demo_rates = Rate.objects.filter(is_demo=True)
    assert demo_rates.count() == 3
    assert all(r.verification.startswith("illustrative") for r in demo_rates)
    (statement,) = Statement.objects.filter(is_demo=True)
    assert (statement.provider.code, statement.client.code, statement.status) == (
        "UNON",
        "UNEP",
        "issued",
    )
    assert statement.lines.exists() and statement.total > 0
    # Issued from the demo records as they are: the lines add up to the total.
    view = statement_for(
        provider=statement.provider, client=statement.client, month=statement.month
    )
    assert view.total == statement.total == sum(line.amount for line in statement.lines.all())
    # The rates of the demo offerings never overlap (the reference rate was ended).
    for rate in demo_rates:
        assert rate.offering.rates.filter(valid_to__isnull=True).count() == 1
