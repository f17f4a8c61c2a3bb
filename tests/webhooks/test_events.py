"""Events from the lower apps' own announcements: each change, once committed, becomes a
delivery to the subscriptions of the organisations concerned that chose its type, with a
thin payload (ids, codes, the portal's URLs)."""

import datetime as dt
import json

import pytest

from accounts.choices import Role
from catalogue.models import Service
from catalogue.services import designation_approve, designation_end, designation_request
from clients.models import ClientEntity
from compliance.engine import compute_provider_month
from compliance.models import ComplianceResult, ComplianceRun
from compliance.signals import compliance_computed
from cost_recovery.services import statement_issue
from providers.models import ServiceProvider
from tests.factories import user_with_role
from tests.records.factories import import_csv
from tests.sla.factories import line, sla_create, sla_submit
from webhooks.choices import EventType
from webhooks.models import Delivery

from .factories import SubscriptionFactory

pytestmark = pytest.mark.django_db

RECORD = "N-1,UNON,UNEP,CONF-DOC,2026-01-05T08:00,2026-01-06T09:00,,,false\n"


@pytest.fixture
def orgs():
    return (
        ServiceProvider.objects.get(code="UNON"),
        ClientEntity.objects.get(code="UNEP"),
    )


@pytest.fixture(autouse=True)
def no_sending(monkeypatch):
    """The deliveries are made; sending them is tests/webhooks/test_delivery.py's part."""
    monkeypatch.setattr("webhooks.receivers.send_deliveries", lambda ids: None)


def payloads(event_type) -> list[dict]:
    return [
        json.loads(d.body)
        for d in Delivery.objects.filter(event_type=event_type).order_by("subscription_id")
    ]


def test_an_sla_changing_state_tells_both_parties(orgs, django_capture_on_commit_callbacks):
    unon, unep = orgs
    provider_side = SubscriptionFactory(events=[EventType.SLA_STATE_CHANGED])
    client_side = SubscriptionFactory(provider=None, client=unep)
    SubscriptionFactory(events=[EventType.STATEMENT_ISSUED])  # did not choose it
    staff = user_with_role(Role.PROVIDER_STAFF, provider=unon)
    sla = sla_create(
        user=staff,
        provider=unon,
        client=unep,
        start_date=dt.date(2031, 1, 1),
        end_date=dt.date(2031, 12, 31),
        lines=[line("CONF-DOC")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        sla_submit(sla=sla, user=staff)
    sent = Delivery.objects.filter(event_type=EventType.SLA_STATE_CHANGED)
    assert {d.subscription for d in sent} == {provider_side, client_side}
    assert len({d.event_id for d in sent}) == 1
    data = payloads(EventType.SLA_STATE_CHANGED)[0]["data"]
    assert data["from"] == "draft" and data["to"] == "submitted"
    assert data["sla"] == sla.pk and data["provider"] == "UNON" and data["client"] == "UNEP"
    assert data["url"].endswith(f"/slas/{sla.pk}/")
    assert data["api_url"].endswith(f"/api/v1/slas/{sla.pk}/")


def test_nothing_is_sent_for_a_change_rolled_back(orgs, django_capture_on_commit_callbacks):
    unon, unep = orgs
    SubscriptionFactory()
    staff = user_with_role(Role.PROVIDER_STAFF, provider=unon)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sla_create(
            user=staff,
            provider=unon,
            client=unep,
            start_date=dt.date(2031, 1, 1),
            end_date=dt.date(2031, 12, 31),
            lines=[line("CONF-DOC")],
        )
    assert not callbacks  # a new draft changes no state
    assert not Delivery.objects.exists()


def test_an_import_finished(orgs, django_capture_on_commit_callbacks):
    unon, _ = orgs
    SubscriptionFactory(events=[EventType.IMPORT_FINISHED])
    staff = user_with_role(Role.PROVIDER_STAFF, provider=unon)
    with django_capture_on_commit_callbacks(execute=True):
        done = import_csv(RECORD, user=staff)
    with django_capture_on_commit_callbacks(execute=True):
        rejected = import_csv("N-2,UNON,UNEP,NOPE,2026-01-05T08:00,,,,false\n", user=staff)
    (first, second) = payloads(EventType.IMPORT_FINISHED)
    assert (first["data"]["import"], first["data"]["status"]) == (done.pk, "done")
    assert first["data"]["created"] == 1 and first["data"]["provider"] == "UNON"
    assert (second["data"]["import"], second["data"]["status"]) == (rejected.pk, "rejected")
    assert second["data"]["url"].endswith(f"/imports/{rejected.pk}/")


def test_a_statement_issued_tells_both_parties(orgs, django_capture_on_commit_callbacks):
    unon, unep = orgs
    SubscriptionFactory(events=[EventType.STATEMENT_ISSUED])
    SubscriptionFactory(provider=None, client=unep, events=[EventType.STATEMENT_ISSUED])
    import_csv(RECORD)
    manager = user_with_role(Role.PROVIDER_MANAGER, provider=unon)
    with django_capture_on_commit_callbacks(execute=True):
        statement = statement_issue(
            user=manager, provider=unon, client=unep, month=dt.date(2026, 1, 1)
        )
    sent = payloads(EventType.STATEMENT_ISSUED)
    assert len(sent) == 2 and sent[0] == sent[1]
    data = sent[0]["data"]
    assert data["statement"] == statement.pk and data["period"] == "2026-01"
    assert data["total"] == str(statement.total) and data["currency"] == statement.currency
    assert data["url"].endswith("/cost-recovery/statements/UNON/UNEP/2026-01/")


def test_compliance_computed_and_a_final_breach(orgs, django_capture_on_commit_callbacks):
    unon, _ = orgs
    SubscriptionFactory(events=[EventType.COMPLIANCE_COMPUTED, EventType.COMPLIANCE_BREACHED])
    import_csv(RECORD)
    with django_capture_on_commit_callbacks(execute=True):
        run = compute_provider_month(
            provider_id=unon.pk,
            month=dt.date(2026, 1, 1),
            now=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
        )
    (computed,) = payloads(EventType.COMPLIANCE_COMPUTED)
    assert computed["data"]["run"] == run.pk and computed["data"]["period"] == "2026-01"
    assert computed["data"]["provider"] == "UNON"
    # A breach is announced by the engine once the month is final; the receiver sends
    # what it is told, final results only, the withheld ones never.
    result = ComplianceResult.objects.filter(provider=unon, kind="timeliness").first()
    ComplianceResult.objects.filter(pk=result.pk).update(status="breached")
    compliance_computed.send(sender=ComplianceRun, runs=[], breached=[result.key])
    (breach,) = payloads(EventType.COMPLIANCE_BREACHED)
    assert breach["data"]["key"] == result.key and breach["data"]["final"] is True
    assert "status=breached" in breach["data"]["url"]
    ComplianceResult.objects.filter(pk=result.pk).update(provisional=True)
    compliance_computed.send(sender=ComplianceRun, runs=[], breached=[result.key])
    assert len(payloads(EventType.COMPLIANCE_BREACHED)) == 1


def test_a_breach_is_sent_once_however_often_it_is_announced(orgs):
    unon, _ = orgs
    SubscriptionFactory(events=[EventType.COMPLIANCE_BREACHED])
    import_csv(RECORD)
    compute_provider_month(
        provider_id=unon.pk, month=dt.date(2026, 1, 1), now=dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    )
    result = ComplianceResult.objects.filter(provider=unon, provisional=False).first()
    ComplianceResult.objects.filter(pk=result.pk).update(status="breached")
    for _ in range(2):
        compliance_computed.send(sender=ComplianceRun, runs=[], breached=[result.key])
    assert Delivery.objects.filter(event_type=EventType.COMPLIANCE_BREACHED).count() == 1


def _request(unep, unon, curator):
    return designation_request(
        user=curator,
        client=unep,
        provider=unon,
        service=Service.objects.get(code="FIN-VEN"),
        valid_from=dt.date(2026, 1, 1),
    )


def test_a_designation_requested_approved_and_ended(orgs, django_capture_on_commit_callbacks):
    unon, unep = orgs
    curator = user_with_role(Role.CATALOGUE_MANAGER)
    SubscriptionFactory(events=[EventType.DESIGNATION_CHANGED])
    with django_capture_on_commit_callbacks(execute=True):
        designation = _request(unep, unon, curator)
    with django_capture_on_commit_callbacks(execute=True):
        designation_approve(user=curator, designation=designation)
    with django_capture_on_commit_callbacks(execute=True):
        designation_end(
            user=curator,
            designation=designation,
            valid_to=dt.date(2099, 12, 31),
            reason="Moving to another provider.",
        )
    sent = payloads(EventType.DESIGNATION_CHANGED)
    assert [p["data"]["action"] for p in sent] == ["requested", "approved", "ended"]
    assert [p["data"]["status"] for p in sent] == ["requested", "approved", "approved"]
    assert {p["data"]["designation"] for p in sent} == {designation.pk}
    assert sent[0]["data"]["provider"] == "UNON" and sent[0]["data"]["service"] == "FIN-VEN"
    assert sent[0]["data"]["client"] == "UNEP" and sent[0]["data"]["area"] is None
    assert sent[2]["data"]["valid_to"] == "2099-12-31"


def test_no_subscriber_no_delivery(orgs, django_capture_on_commit_callbacks):
    unon, unep = orgs
    SubscriptionFactory(provider=ServiceProvider.objects.get(code="KJSO"))
    with django_capture_on_commit_callbacks(execute=True):
        _request(unep, unon, user_with_role(Role.CATALOGUE_MANAGER))
    assert not Delivery.objects.exists()
