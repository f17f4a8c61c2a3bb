"""Newly breached results are announced to the provider's managers and staff and, for an
SLA target, to the client's focal points: in a fixed number of queries whatever the number
of breaches (a month's close can breach thousands at once)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.choices import Role
from accounts.models import Notification
from compliance.engine.breaches import _notify_breaches
from compliance.models import ComplianceResult
from sla.models import ServiceLevelTarget
from tests.compliance.factories import result, standards
from tests.factories import user_with_role
from tests.sla.factories import client, make_draft, make_people, provider

pytestmark = pytest.mark.django_db


def notified(keys) -> int:
    with CaptureQueriesContext(connection) as ctx:
        _notify_breaches(keys)
    return len(ctx)


def test_each_breach_tells_its_people_in_a_fixed_number_of_queries():
    people = make_people()  # UNON staff and manager, UNEP and UN-HABITAT focal points
    target = ServiceLevelTarget.objects.filter(line__sla=make_draft(people)).first()
    user_with_role(Role.PROVIDER_STAFF, provider=provider("KJSO"))  # another provider's
    made = standards(6)
    months = [dt.date(2026, m, 1) for m in (1, 2, 3)]
    few = [result(standard=made[0], month=months[0], met=3).key]
    many = [result(standard=s, month=m, met=3).key for s in made[1:] for m in months]
    sla_breach = result(standard=target.standard, target=target, month=months[0], met=3).key
    assert ComplianceResult.objects.filter(key__in=[*few, *many, sla_breach]).count() == 17

    assert notified(few) == notified(many)
    unon_people = {"unon-staff", "unon-manager", "unon-integration"} & set(
        Notification.objects.values_list("user__username", flat=True)
    )
    assert unon_people == {"unon-staff", "unon-manager"}  # not the integration account
    assert Notification.objects.filter(verb="compliance.breached").count() == 2 * 16

    Notification.objects.all().delete()
    _notify_breaches([sla_breach])
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"unon-staff", "unon-manager", "unep-focal"}  # the SLA's client only
    note = Notification.objects.get(user__username="unep-focal")
    agreement = target.line.sla.agreement.number
    assert note.title == "UNON missed an SLA target in January 2026"
    assert note.message.startswith(
        f"UNON missed the {target.standard.service.name} target of SLA {agreement} in "
        "January 2026: 30% "
    )
    assert "(3 of 10), target " in note.message
    assert note.url == "/compliance/?provider=UNON&period=2026-01&status=breached"
    assert client("UNEP") == target.line.sla.agreement.client
