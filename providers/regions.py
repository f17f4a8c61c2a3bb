"""Regions of providers, for filtering: the continent of the duty station's time zone (the
first part of its IANA name, e.g. ``Africa/Nairobi``). The portal keeps no other geography
for providers, and every duty station has a time zone."""

from django.db.models import Q

REGIONS = {
    "africa": ("Africa", ("Africa/",)),
    "americas": ("Americas", ("America/",)),
    "asia": ("Asia", ("Asia/",)),
    "europe": ("Europe", ("Europe/",)),
    "oceania": ("Oceania", ("Australia/", "Pacific/")),
}
REGION_CHOICES = [(code, label) for code, (label, _) in REGIONS.items()]


def region_q(region: str, provider_field: str = "provider") -> Q:
    """Rows whose provider's duty station lies in ``region`` (a key of ``REGIONS``)."""
    condition = Q()
    for prefix in REGIONS[region][1]:
        condition |= Q(**{f"{provider_field}__duty_station__timezone__startswith": prefix})
    return condition


def region_of(timezone_name: str) -> str:
    for label, prefixes in REGIONS.values():
        if timezone_name.startswith(prefixes):
            return label
    return "Other"
