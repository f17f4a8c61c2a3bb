"""Reads of SLAs: what a user may see, the agreement as rendered from its template, its
history, the comparison of two versions, and the versions in force for compliance."""

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, Prefetch, Q, QuerySet
from django.template import Context, Engine

from accounts.selectors import user_scope
from catalogue.models import measure_statement
from core.currencies import rate_text

from .choices import IN_FORCE_STATUSES
from .models import ServiceLevelTarget, Sla, SlaLine, SlaTemplateSection


def sla_queryset(*, user) -> QuerySet[Sla]:
    """SLAs ``user`` may see: their provider's or their entity's; all for global roles.

    A client never sees another client's SLAs (DOMAIN §1).
    """
    scope = user_scope(user)
    qs = Sla.objects.select_related(
        "agreement", "agreement__provider", "agreement__client", "template"
    ).annotate(line_count=Count("lines", distinct=True))
    if scope.sees_everything:
        return qs
    if not (scope.provider_ids or scope.client_ids):
        return qs.none()
    return qs.filter(
        Q(agreement__provider_id__in=scope.provider_ids)
        | Q(agreement__client_id__in=scope.client_ids)
    )


def sla_detail(*, user, pk: int) -> Sla:
    """One SLA the user may see, with lines, targets and signatories (raises DoesNotExist)."""
    return (
        sla_queryset(user=user)
        .select_related(
            "client_signed_by",
            "provider_signed_by",
            "created_by",
            "supersedes",
            "agreement__provider__duty_station",
        )
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=SlaLine.objects.select_related(
                    "offering__service", "offering__service__area"
                ).prefetch_related(
                    Prefetch(
                        "targets",
                        queryset=ServiceLevelTarget.objects.select_related("standard"),
                    )
                ),
            ),
            Prefetch("template__sections", queryset=SlaTemplateSection.objects.order_by("order")),
        )
        .get(pk=pk)
    )


def _agreement_context(sla: Sla) -> dict:
    """Plain data for the template (no model objects: section text is curated content)."""
    agreement = sla.agreement
    provider = agreement.provider

    def signer(user):
        return (user.get_full_name() or user.username) if user else ""

    return {
        "agreement": {"number": agreement.number, "version": sla.version},
        "template": {"version": sla.template.version, "title": sla.template.title},
        "provider": {
            "code": provider.code,
            "name": provider.name,
            "duty_station": provider.duty_station.name,
            "timezone": provider.duty_station.timezone,
        },
        "client": {"code": agreement.client.code, "name": agreement.client.name},
        "period": {"start": sla.start_date.isoformat(), "end": sla.end_date.isoformat()},
        "lines": [
            {
                "service_code": line.offering.service.code,
                "service_name": line.offering.service.name,
                "unit": line.offering.service.unit_of_service,
                "expected_volume": line.expected_volume,
                "rate": rate_text(line.cost_recovery_rate, line.currency),
                "currency": line.currency,
                "rate_unit": line.rate_unit,
                "targets": [
                    {"standard": t.standard.code, "statement": t.statement}
                    for t in line.targets.all()
                ],
            }
            for line in sla.lines.all()
        ],
        "signatures": {
            "client_by": signer(sla.client_signed_by),
            "client_at": sla.client_signed_at.date().isoformat() if sla.client_signed_at else "",
            "provider_by": signer(sla.provider_signed_by),
            "provider_at": sla.provider_signed_at.date().isoformat()
            if sla.provider_signed_at
            else "",
        },
    }


_ENGINE = Engine(autoescape=False)


@dataclass(frozen=True)
class Section:
    title: str
    text: str


def agreement_sections(*, sla: Sla) -> list[Section]:
    """The agreement as plain text per template section (the page escapes it once)."""
    context = Context(_agreement_context(sla), autoescape=False)
    sections = []
    for section in sla.template.sections.all():
        try:
            text = _ENGINE.from_string(section.body).render(context)
        except Exception as exc:  # curated text must never break the page or the API
            text = f"[This section of the template cannot be filled in: {exc}]"
        sections.append(Section(section.title, text.strip()))
    return sections


@dataclass(frozen=True)
class HistoryEntry:
    when: dt.datetime
    who: str
    what: str
    changes: list[str]


def sla_history(*, sla: Sla) -> list[HistoryEntry]:
    """Who changed what and when: the SLA's own history and its lines' and targets'."""
    entries = []
    records = list(sla.history.select_related("history_user").order_by("history_date"))
    people = _people(records)
    previous = None
    for record in records:
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            changes = [
                f"{c.field.replace('_', ' ')}: {_shown(c.field, c.old, people)} → "
                f"{_shown(c.field, c.new, people)}"
                for c in delta.changes
                if c.field not in ("expiry_notified_at",)
            ]
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=_who(record),
                what=record.history_change_reason
                or {"+": "created", "~": "changed", "-": "deleted"}[record.history_type],
                changes=changes,
            )
        )
        previous = record
    line_model = SlaLine.history.model
    for record in line_model.objects.filter(sla_id=sla.pk).select_related(
        "history_user", "offering__service"
    ):
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=_who(record),
                what={"+": "service added", "~": "service changed", "-": "service removed"}[
                    record.history_type
                ],
                changes=[
                    f"{record.offering.service.code}, expected volume {record.expected_volume}"
                ],
            )
        )
    target_model = ServiceLevelTarget.history.model
    line_ids = set(line_model.objects.filter(sla_id=sla.pk).values_list("id", flat=True))
    for record in target_model.objects.filter(line_id__in=line_ids).select_related(
        "history_user", "standard"
    ):
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=_who(record),
                what={"+": "target set", "~": "target changed", "-": "target removed"}[
                    record.history_type
                ],
                changes=[
                    f"{record.standard.code}: "
                    + measure_statement(
                        record.kind, record.threshold, record.clock, record.target_pct
                    )
                ],
            )
        )
    return sorted(entries, key=lambda e: e.when, reverse=True)


_PEOPLE_FIELDS = ("client_signed_by", "provider_signed_by", "created_by")


def _people(records) -> dict[int, str]:
    """Names of the users that history rows point to (one query)."""
    from django.contrib.auth import get_user_model

    ids = {getattr(r, f"{name}_id") for r in records for name in _PEOPLE_FIELDS} - {None}
    return {
        u.pk: u.get_full_name() or u.username for u in get_user_model().objects.filter(pk__in=ids)
    }


def _shown(field: str, value, people: dict[int, str]) -> str:
    if value in (None, ""):
        return "—"
    if field in _PEOPLE_FIELDS:
        return people.get(value, f"user {value}")
    return str(value)


def _who(record) -> str:
    user = record.history_user
    return (user.get_full_name() or user.username) if user else "the portal"


@dataclass(frozen=True)
class ComparedRow:
    label: str
    left: str
    right: str

    @property
    def differs(self) -> bool:
        return self.left != self.right


def sla_comparison(*, left: Sla, right: Sla) -> list[ComparedRow]:
    """Two versions side by side: period, status, each service's volume and targets."""
    rows = [
        ComparedRow("Version", str(left.version), str(right.version)),
        ComparedRow("Status", left.get_status_display(), right.get_status_display()),
        ComparedRow(
            "Period",
            f"{left.start_date} – {left.end_date}",
            f"{right.start_date} – {right.end_date}",
        ),
        ComparedRow("Template", str(left.template.version), str(right.template.version)),
    ]

    def by_service(sla):
        return {line.offering.service.code: line for line in sla.lines.all()}

    left_lines, right_lines = by_service(left), by_service(right)
    for code in sorted(set(left_lines) | set(right_lines)):
        a, b = left_lines.get(code), right_lines.get(code)
        rows.append(
            ComparedRow(
                f"{code} volume",
                str(a.expected_volume) if a else "—",
                str(b.expected_volume) if b else "—",
            )
        )
        targets_a = {t.standard.code: t.statement for t in a.targets.all()} if a else {}
        targets_b = {t.standard.code: t.statement for t in b.targets.all()} if b else {}
        for standard in sorted(set(targets_a) | set(targets_b)):
            rows.append(
                ComparedRow(
                    f"{code} · {standard}",
                    targets_a.get(standard, "—"),
                    targets_b.get(standard, "—"),
                )
            )
    return rows


class VersionInForce(NamedTuple):
    """An SLA version as compliance counts it: whose, and the local days it is in force."""

    pk: int
    provider_id: int
    client_id: int
    start_date: dt.date
    last_day: dt.date


def versions_in_force(*, provider_ids, first: dt.date, after_last: dt.date) -> list[VersionInForce]:
    """The SLA versions of some providers in force for compliance on some day of
    [first, after_last) (DOMAIN §5: approved or later), each with the last local day it
    counts: its end, its termination, or the day before the amendment that superseded
    it starts. Two queries."""
    versions = list(
        Sla.objects.filter(
            agreement__provider_id__in=provider_ids,
            status__in=IN_FORCE_STATUSES,
            start_date__lt=after_last,
            end_date__gte=first,
        ).values_list(
            "pk",
            "agreement__provider_id",
            "agreement__client_id",
            "start_date",
            "end_date",
            "termination_date",
        )
    )
    amended = {
        supersedes_id: start_date - dt.timedelta(days=1)
        for supersedes_id, start_date in Sla.objects.filter(
            supersedes_id__in=[v[0] for v in versions], status__in=IN_FORCE_STATUSES
        ).values_list("supersedes_id", "start_date")
    }
    return [
        VersionInForce(
            pk, provider_id, client_id, start, min(ended or end, amended.get(pk, dt.date.max))
        )
        for pk, provider_id, client_id, start, end, ended in versions
    ]
