"""The records' sources of the work inbox (``core.inbox``): imports waiting for the
user's confirmation, and their organisation's open records due within a week or overdue."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from core.inbox import InboxItem, InboxSource, register_source

from .choices import ImportStatus, RecordStatus
from .models import RecordImport, ServiceRecord
from .selectors import open_record_deadlines

DUE_WITHIN = dt.timedelta(days=7)
# The open records whose deadlines are read, oldest first (they are due first).
CANDIDATES = 100


def _to_confirm(user, scope):
    if not scope.may_import:
        return None
    return RecordImport.objects.filter(created_by=user, status=ImportStatus.VALIDATED)


def _to_confirm_items(user, scope, limit):
    rows = _to_confirm(user, scope).select_related("provider").order_by("created_at")[:limit]
    return [
        InboxItem(
            f"{row.filename or 'Import'} for {row.provider.code}: {row.rows_valid} of "
            f"{row.rows_total} rows valid",
            reverse("records:recordimport-detail", args=[row.pk]),
        )
        for row in rows
    ]


def _due_items(user, scope, limit):
    """Deadlines of the organisation's open records that fall within a week or are past
    (the rule of the record pages: ``open_record_deadlines``), soonest first."""
    if not (scope.provider_ids or scope.client_ids):
        return []
    now = timezone.now()
    own = ServiceRecord.objects.filter(status=RecordStatus.OPEN)
    if scope.provider_ids:
        own = own.filter(provider_id__in=scope.provider_ids)
    else:
        own = own.filter(client_id__in=scope.client_ids)
    rows = list(
        own.select_related("provider", "client", "service", "calendar")
        .prefetch_related("calendar__holidays")
        .order_by("received_at", "pk")[:CANDIDATES]
    )
    due, seen = [], set()
    for deadline in sorted(open_record_deadlines(rows, now=now), key=lambda d: d.due_at):
        record = deadline.record
        if deadline.due_at > now + DUE_WITHIN or record.pk in seen:
            continue
        seen.add(record.pk)
        late = deadline.due_at <= now
        due.append(
            InboxItem(
                f"{record.provider.code} {record.external_ref} ({record.service.code}) for "
                f"{record.client.code}: {'overdue since' if late else 'due'} "
                f"{timezone.localtime(deadline.due_at):%Y-%m-%d %H:%M}",
                reverse("records:servicerecord-detail", args=[record.pk]),
                deadline.statement,
            )
        )
    return due


def register() -> None:
    register_source(
        InboxSource(
            key="records.to_confirm",
            title="Imports waiting for your confirmation",
            nav="records",
            more_url="/imports/?status=validated",
            pending=_to_confirm,
            items=_to_confirm_items,
            order=30,
        )
    )
    register_source(
        InboxSource(
            key="records.due",
            title="Records due this week or overdue",
            nav="records",
            more_url="/records/?status=open",
            pending=lambda user, scope: None,
            items=_due_items,
            counted_by_items=True,
            order=40,
        )
    )
