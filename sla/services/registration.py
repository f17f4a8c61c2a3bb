"""Registering an SLA from the common template, and editing a draft.

Every change is recorded by django-simple-history with the acting user, so the page can
show who changed what and when.
"""

import datetime as dt

from django.db import IntegrityError, transaction

from accounts.selectors import user_scope
from core.exceptions import ApplicationError

from ..models import Agreement, Sla, SlaTemplate
from ..signals import sla_status_changed
from .permissions import require_action
from .targets import (
    LineInput,
    check_designated,
    check_overlap,
    check_period,
    write_lines,
)

# --- registration ----------------------------------------------------------------------


def save_sla(sla: Sla, user, reason: str, **fields) -> Sla:
    previous = sla.status if sla.pk else None
    for name, value in fields.items():
        setattr(sla, name, value)
    sla._history_user = user
    sla._change_reason = reason
    sla.save()
    if previous is not None and sla.status != previous:
        changed, status = sla, sla.status
        transaction.on_commit(
            lambda: sla_status_changed.send(
                sender=Sla, sla=changed, previous=previous, status=status
            )
        )
    return sla


def _next_number(provider, client, year: int) -> str:
    prefix = f"SLA-{provider.code}-{client.code}-{year}-"
    taken = Agreement.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{taken + 1:03d}"


@transaction.atomic
def sla_create(
    *,
    user,
    provider,
    client,
    start_date: dt.date,
    end_date: dt.date,
    lines: list[LineInput],
    notes: str = "",
) -> Sla:
    """Register a draft SLA from the current template (provider staff and managers),
    only with the provider designated for the client and each service on its start date."""
    if not user_scope(user).may_register_for(provider.pk):
        raise ApplicationError(
            f"Only {provider.code} staff register its SLAs.", {"provider": ["not yours"]}
        )
    check_period(start_date, end_date)
    template = SlaTemplate.objects.filter(is_current=True).first()
    if template is None:
        raise ApplicationError("No current SLA template: ask a catalogue manager to publish one.")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                agreement = Agreement.objects.create(
                    number=_next_number(provider, client, start_date.year),
                    provider=provider,
                    client=client,
                )
            break
        except IntegrityError:
            continue
    else:
        raise ApplicationError("Could not number the agreement; try again.")
    sla = Sla(
        agreement=agreement,
        template=template,
        start_date=start_date,
        end_date=end_date,
        notes=notes,
        created_by=user,
    )
    save_sla(sla, user, "registered")
    write_lines(sla, lines, user)
    check_designated(sla)
    check_overlap(sla)
    return sla


@transaction.atomic
def sla_update_draft(
    *,
    sla: Sla,
    user,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    notes: str | None = None,
    lines: list[LineInput] | None = None,
) -> Sla:
    """Change a draft: period, notes, lines and targets. Only drafts can be edited."""
    sla = Sla.objects.select_for_update().get(pk=sla.pk)
    require_action("edit", sla=sla, user=user)
    start_date = start_date or sla.start_date
    end_date = end_date or sla.end_date
    check_period(start_date, end_date)
    save_sla(
        sla,
        user,
        "draft edited",
        start_date=start_date,
        end_date=end_date,
        notes=sla.notes if notes is None else notes,
    )
    if lines is not None:
        write_lines(sla, lines, user)
    check_designated(sla)
    check_overlap(sla)
    return sla
