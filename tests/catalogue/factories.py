"""Designations built through the workflow's services, for the designation tests."""

import datetime as dt

from accounts.choices import Role
from catalogue.models import FunctionalArea, Service
from catalogue.services import designation_approve, designation_request
from clients.models import ClientEntity
from providers.models import ServiceProvider
from tests.factories import user_with_role


def focal_point(client_code: str = "UNEP", **kwargs):
    return user_with_role(
        Role.CLIENT_FOCAL_POINT, client=ClientEntity.objects.get(code=client_code), **kwargs
    )


def catalogue_manager(**kwargs):
    return user_with_role(Role.CATALOGUE_MANAGER, **kwargs)


def request(
    user,
    *,
    client: str = "UNEP",
    provider: str = "UNICTF",
    service: str | None = "ICT-HST",
    area: str | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    basis: str = "Test request.",
):
    """A pending request (by default UNEP asks for UNICTF's hosting from 2030)."""
    return designation_request(
        user=user,
        client=ClientEntity.objects.get(code=client),
        provider=ServiceProvider.objects.get(code=provider),
        service=Service.objects.get(code=service) if service else None,
        area=FunctionalArea.objects.get(code=area) if area else None,
        valid_from=valid_from or dt.date(2030, 1, 1),
        valid_to=valid_to,
        basis=basis,
    )


def approved(user, curator, **kwargs):
    return designation_approve(user=curator, designation=request(user, **kwargs))
