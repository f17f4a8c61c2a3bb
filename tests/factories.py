"""factory_boy factories for every model the tests build (codes never clash with real ones)."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from accounts.choices import Role
from catalogue.models import (
    Designation,
    FunctionalArea,
    MinimumServiceStandard,
    Offering,
    Service,
)
from clients.models import ClientEntity
from core.models import DutyStation
from providers.models import ServiceProvider

NAIROBI_HOURS = {
    "mon": [["08:00", "12:30"], ["13:30", "17:00"]],
    "tue": [["08:00", "12:30"], ["13:30", "17:00"]],
    "wed": [["08:00", "12:30"], ["13:30", "17:00"]],
    "thu": [["08:00", "12:30"], ["13:30", "17:00"]],
    "fri": [["08:00", "12:30"], ["13:30", "17:00"]],
    "sat": [],
    "sun": [],
}


class DutyStationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DutyStation

    code = factory.Sequence(lambda n: f"T{n:02d}")
    name = factory.Sequence(lambda n: f"Test station {n}")
    country = "KE"
    timezone = "Africa/Nairobi"
    working_hours = factory.LazyFunction(lambda: dict(NAIROBI_HOURS))
    working_day_hours = Decimal(8)
    verification = "illustrative test data"


class ClientEntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientEntity

    code = factory.Sequence(lambda n: f"TST-CLIENT-{n}")
    name = factory.Sequence(lambda n: f"Test client entity {n}")
    type = "office"
    country = "KE"
    duty_station = factory.SubFactory(DutyStationFactory)


class ServiceProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceProvider

    code = factory.Sequence(lambda n: f"TST-PROV-{n}")
    name = factory.Sequence(lambda n: f"Test provider {n}")
    kind = "regional_service_centre"
    duty_station = factory.SubFactory(DutyStationFactory)


class FunctionalAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FunctionalArea

    code = factory.Sequence(lambda n: f"TST-AREA-{n}")
    name = factory.Sequence(lambda n: f"Test area {n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    code = factory.Sequence(lambda n: f"TST-SVC-{n}")
    name = factory.Sequence(lambda n: f"Test service {n}")
    description = "A service used by the tests."
    area = factory.SubFactory(FunctionalAreaFactory)
    delivery_mode = "remote"
    unit_of_service = "case"


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offering
        skip_postgeneration_save = True

    provider = factory.SubFactory(ServiceProviderFactory)
    service = factory.SubFactory(ServiceFactory)
    scope = "global"
    rate_unit = "per case"
    lead_time_days = 5
    # Its rate card: 12.50 USD from 2020 on (``rate_card__rate=...`` to change it,
    # ``rate_card=None`` for an offering without a rate).
    rate_card = factory.RelatedFactory(
        "tests.cost_recovery.factories.RateFactory", factory_related_name="offering"
    )


class StandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MinimumServiceStandard

    code = factory.Sequence(lambda n: f"TST-MSS-{n}")
    service = factory.SubFactory(ServiceFactory)
    kind = "timeliness"
    threshold = Decimal(5)
    clock = "working_days"
    target_pct = Decimal("95")


class DesignationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Designation

    client = factory.SubFactory(ClientEntityFactory)
    area = factory.SubFactory(FunctionalAreaFactory)
    provider = factory.SubFactory(ServiceProviderFactory)
    valid_from = dt.date(2024, 1, 1)
    # Approved, as reference data is: only approved designations count.
    status = "approved"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "test-pass-123")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def user_with_role(role: str, *, provider=None, client=None, **kwargs):
    """A user holding one role for one organisation (or none, for global roles)."""
    from accounts.services import grant_role

    user = UserFactory(**kwargs)
    grant_role(user=user, role=role, provider=provider, client=client)
    return user


ROLES = Role
