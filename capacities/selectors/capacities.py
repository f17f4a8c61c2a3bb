"""Reads of support capacities, scoped to what the user may see."""

from django.db.models import Q, QuerySet

from accounts.selectors import user_scope

from ..models import SupportCapacity


def capacity_queryset(*, user) -> QuerySet[SupportCapacity]:
    """The support capacities the user may read (``UserScope.sees_capacity``): every one
    for global roles; an entity's own for its people; those a provider serves for the
    provider's people. With their entity, duty station (and its hardship class), area and
    provider."""
    scope = user_scope(user)
    capacities = SupportCapacity.objects.select_related(
        "client", "duty_station__hardship", "area", "served_by"
    )
    if scope.sees_everything:
        return capacities
    if not scope.authenticated:
        return capacities.none()
    return capacities.filter(
        Q(client_id__in=scope.client_ids) | Q(served_by_id__in=scope.provider_ids)
    )
