"""Test data of support capacities: capacities, and a hardship class for a duty station."""

import datetime as dt
from decimal import Decimal

import factory

from capacities.models import HardshipClassification, SupportCapacity


class SupportCapacityFactory(factory.django.DjangoModelFactory):
    """An in-house team of two posts, no cost."""

    class Meta:
        model = SupportCapacity

    client = factory.SubFactory("tests.factories.ClientEntityFactory")
    duty_station = factory.SubFactory("tests.factories.DutyStationFactory")
    area = factory.SubFactory("tests.factories.FunctionalAreaFactory")
    posts = Decimal(2)


class HardshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HardshipClassification

    duty_station = factory.SubFactory("tests.factories.DutyStationFactory")
    hardship_class = "E"
    as_of = dt.date(2026, 1, 1)
    verification = "illustrative test data"
