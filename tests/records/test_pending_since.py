"""A month waiting for the compliance engine keeps the time it began to wait, however often
it is marked again (the compliance lag of /readyz and of the metrics is counted from it)."""

import datetime as dt

import pytest
from django.utils import timezone

from providers.models import ServiceProvider
from records.models import PendingCompliance
from records.services import mark_pending
from tests.records.factories import import_csv

pytestmark = pytest.mark.django_db

FEB = dt.date(2026, 2, 1)


def test_marking_a_month_again_moves_the_mark_but_not_when_it_began_to_wait():
    provider = ServiceProvider.objects.get(code="UNON")
    mark_pending([(provider.pk, FEB)])
    first = PendingCompliance.objects.get()
    assert abs(first.pending_since - timezone.now()) < dt.timedelta(minutes=1)
    hour_ago = first.pending_since - dt.timedelta(hours=1)
    PendingCompliance.objects.update(pending_since=hour_ago)
    mark_pending([(provider.pk, FEB)])
    again = PendingCompliance.objects.get()
    assert again.marked_at > first.marked_at
    assert again.pending_since == hour_ago


def test_an_import_marks_in_sql_and_keeps_when_it_began_to_wait():
    row = "PS-1,UNON,UNEP,CONF-DOC,2026-02-02T08:00,2026-02-03T09:00,,,false\n"
    assert import_csv(row).status == "done"
    pending = PendingCompliance.objects.get(provider__code="UNON", month=FEB)
    assert abs(pending.pending_since - timezone.now()) < dt.timedelta(minutes=1)
    hour_ago = pending.pending_since - dt.timedelta(hours=1)
    PendingCompliance.objects.update(pending_since=hour_ago)
    assert import_csv(row.replace("09:00", "10:00")).status == "done"
    assert PendingCompliance.objects.get(pk=pending.pk).pending_since == hour_ago
