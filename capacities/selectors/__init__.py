"""Reads of support capacities and their duplication analysis. Each owns its queries, so
pages and the API run a fixed number of them."""

from .capacities import capacity_queryset
from .duplication import (
    ANALYSES,
    Consolidation,
    Filters,
    HardshipTotals,
    LocalSharing,
    OfferedBy,
    TeamRef,
    consolidation,
    hardship_capacities,
    hardship_totals,
    local_sharing,
)

__all__ = [
    "ANALYSES",
    "Consolidation",
    "Filters",
    "HardshipTotals",
    "LocalSharing",
    "OfferedBy",
    "TeamRef",
    "capacity_queryset",
    "consolidation",
    "hardship_capacities",
    "hardship_totals",
    "local_sharing",
]
