"""Reads of the rate card."""

import datetime as dt

from django.db.models import Q, QuerySet

from ..models import Rate


def rate_queryset() -> QuerySet[Rate]:
    """Every rate with its offering: rates are catalogue prices, read by every signed-in
    user (what a client owes is in its statements, which are scoped)."""
    return Rate.objects.select_related(
        "offering__provider", "offering__service", "offering__service__area"
    )


def in_force_on(day: dt.date) -> Q:
    """Rates in force on ``day``."""
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
