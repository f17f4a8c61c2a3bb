"""Building SLAs through the real services, for the SLA tests.

Every SLA is registered, submitted, signed, terminated or amended by the services
themselves, so a test starts from a state the portal can really reach.
"""

import datetime as dt
from dataclasses import dataclass

from django.core import mail
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Notification
from catalogue.models import MinimumServiceStandard, Offering
from clients.models import ClientEntity
from providers.models import ServiceProvider
from sla.choices import SlaStatus
from sla.models import Agreement, ServiceLevelTarget, Sla, SlaLine
from sla.services import (
    LineInput,
    TargetInput,
    sla_amend,
    sla_approve,
    sla_create,
    sla_submit,
    sla_terminate,
    slas_update_lifecycle,
    target_inputs,
)
from tests.factories import user_with_role

ACTIONS = ("edit", "submit", "approve", "return", "terminate", "amend")


def provider(code: str) -> ServiceProvider:
    return ServiceProvider.objects.get(code=code)


def client(code: str) -> ClientEntity:
    return ClientEntity.objects.get(code=code)


def offering(service: str, provider_code: str = "UNON") -> Offering:
    return Offering.objects.select_related("service", "provider").get(
        provider__code=provider_code, service__code=service
    )


def standard(code: str) -> MinimumServiceStandard:
    return MinimumServiceStandard.objects.get(code=code)


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    """The date ``n`` days from today (negative: in the past)."""
    return today() + dt.timedelta(days=n)


def line(
    service: str = "CONF-DOC",
    *,
    provider_code: str = "UNON",
    volume: int = 100,
    targets: list[dict] | None = None,
) -> LineInput:
    """A line for ``service``; ``targets`` are raw values as the API takes them."""
    item = offering(service, provider_code)
    return LineInput(
        offering=item,
        expected_volume=volume,
        targets=None if targets is None else target_inputs(offering=item, raw=targets),
    )


def target(code: str, **values) -> TargetInput:
    """A target for standard ``code``: its own figures unless ``values`` override them."""
    mss = standard(code)
    figures = {"threshold": mss.threshold, "clock": mss.clock, "target_pct": mss.target_pct}
    figures.update(values)
    return TargetInput(standard=mss, **figures)


@dataclass
class People:
    """One user per role around the UNON–UNEP agreements, with an e-mail address each."""

    staff: object
    manager: object
    other_staff: object
    focal: object
    other_focal: object
    catalogue: object
    management: object
    integration: object

    def __getitem__(self, key: str):
        return getattr(self, key)


def make_people() -> People:
    unon, kjso = provider("UNON"), provider("KJSO")
    unep, habitat = client("UNEP"), client("UN-HABITAT")

    def person(name: str, role: str, **org):
        return user_with_role(
            role, username=name, email=f"{name}@un.example", first_name=name.title(), **org
        )

    return People(
        staff=person("unon-staff", Role.PROVIDER_STAFF, provider=unon),
        manager=person("unon-manager", Role.PROVIDER_MANAGER, provider=unon),
        other_staff=person("kjso-staff", Role.PROVIDER_STAFF, provider=kjso),
        focal=person("unep-focal", Role.CLIENT_FOCAL_POINT, client=unep),
        other_focal=person("habitat-focal", Role.CLIENT_FOCAL_POINT, client=habitat),
        catalogue=person("catalogue", Role.CATALOGUE_MANAGER),
        management=person("management", Role.MANAGEMENT),
        integration=person("unon-integration", Role.INTEGRATION, provider=unon),
    )


def make_draft(
    people: People,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    lines: list[LineInput] | None = None,
    client_code: str = "UNEP",
    user=None,
    notes: str = "",
) -> Sla:
    """A draft UNON SLA, by default from 10 days ahead for a year, covering CONF-DOC."""
    start = start or days(10)
    return sla_create(
        user=user or people.staff,
        provider=provider("UNON"),
        client=client(client_code),
        start_date=start,
        end_date=end or start + dt.timedelta(days=364),
        lines=lines if lines is not None else [line("CONF-DOC")],
        notes=notes,
    )


def sign_both(sla: Sla, people: People) -> Sla:
    sla_approve(sla=sla, user=people.focal)
    return sla_approve(sla=sla, user=people.manager)


def make_approved(people: People, **kwargs) -> Sla:
    """Submitted and signed by both parties (active at once if its period has begun)."""
    sla = make_draft(people, **kwargs)
    sla_submit(sla=sla, user=people.staff)
    return sign_both(sla, people)


def sla_in(state: str, people: People) -> Sla:
    """An SLA in one of the states of the permission matrix."""
    if state == "draft":
        return make_draft(people)
    if state.startswith("submitted"):
        sla = make_draft(people)
        sla = sla_submit(sla=sla, user=people.staff)
        if state == "submitted_client_signed":
            sla = sla_approve(sla=sla, user=people.focal)
        elif state == "submitted_provider_signed":
            sla = sla_approve(sla=sla, user=people.manager)
        return sla
    if state == "approved":
        sla = make_approved(people)
        assert sla.status == SlaStatus.APPROVED
        return sla
    if state == "active":
        sla = make_approved(people, start=days(-30))
        assert sla.status == SlaStatus.ACTIVE
        return sla
    if state == "terminated":
        sla = make_approved(people, start=days(-30))
        return sla_terminate(sla=sla, user=people.manager, reason="Mission closed.")
    if state == "expired":
        sla = make_approved(people)
        slas_update_lifecycle(today=sla.end_date + dt.timedelta(days=1))
        sla.refresh_from_db()
        assert sla.status == SlaStatus.EXPIRED
        return sla
    if state == "superseded":
        original = make_approved(people, start=days(-30))
        amendment = sla_amend(sla=original, user=people.staff)
        sla_submit(sla=amendment, user=people.staff)
        sign_both(amendment, people)
        original.refresh_from_db()
        assert original.status == SlaStatus.SUPERSEDED
        return original
    raise ValueError(state)


def table_counts() -> dict[str, int]:
    """Rows of every table a registration writes to."""
    return {
        "agreements": Agreement.objects.count(),
        "slas": Sla.objects.count(),
        "lines": SlaLine.objects.count(),
        "targets": ServiceLevelTarget.objects.count(),
        "sla_history": Sla.history.count(),
        "line_history": SlaLine.history.count(),
        "target_history": ServiceLevelTarget.history.count(),
    }


def snapshot(sla: Sla) -> dict:
    """Everything an action could change: the SLA's own fields, the row counts, the
    notifications and the mail sent."""
    fresh = Sla.objects.get(pk=sla.pk)
    return {
        "sla": {f.attname: getattr(fresh, f.attname) for f in Sla._meta.concrete_fields},
        "counts": table_counts(),
        "notifications": Notification.objects.count(),
        "mail": len(mail.outbox),
    }
