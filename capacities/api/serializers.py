from rest_framework import serializers

from catalogue.models import FunctionalArea
from clients.models import ClientEntity
from core.api.serializers import CodeRelatedField, InputSerializer
from core.currencies import currency_choices
from core.models import DutyStation
from providers.models import ServiceProvider

from ..choices import (
    COST_DECIMAL_PLACES,
    COST_MAX,
    POSTS_DECIMAL_PLACES,
    POSTS_MAX,
    POSTS_MIN,
    SOURCE_MAX,
    HardshipClass,
)
from ..models import SupportCapacity


class SupportCapacitySerializer(serializers.ModelSerializer):
    """A client entity's support for a functional area at a duty station: its
    own team (``posts``, full-time equivalents, optional ``annual_cost`` in ``currency``)
    or ``served_by`` a provider. ``illustrative``: demo data, not real figures.
    ``hardship_class``: the duty station's ICSC class (A–E, H), null when not classified;
    ``hardship_class_illustrative`` when that class was not checked against the ICSC's
    list."""

    url = serializers.HyperlinkedIdentityField(view_name="capacities-api:supportcapacity-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    client = CodeRelatedField(read_only=True)
    duty_station = CodeRelatedField(read_only=True)
    area = CodeRelatedField(read_only=True)
    served_by = CodeRelatedField(read_only=True, allow_null=True)
    in_house = serializers.BooleanField(read_only=True)
    illustrative = serializers.BooleanField(source="is_demo", read_only=True)
    hardship_class = serializers.SerializerMethodField()
    hardship_class_illustrative = serializers.SerializerMethodField()

    class Meta:
        model = SupportCapacity
        fields = [
            "id",
            "url",
            "display",
            "client",
            "duty_station",
            "area",
            "served_by",
            "in_house",
            "posts",
            "annual_cost",
            "currency",
            "source",
            "illustrative",
            "hardship_class",
            "hardship_class_illustrative",
            "updated_at",
        ]
        read_only_fields = fields

    def _hardship(self, capacity):
        return getattr(capacity.duty_station, "hardship", None)

    def get_hardship_class(self, capacity) -> HardshipClass | None:
        hardship = self._hardship(capacity)
        return hardship.hardship_class if hardship else None

    def get_hardship_class_illustrative(self, capacity) -> bool | None:
        hardship = self._hardship(capacity)
        return hardship.is_illustrative if hardship else None


class SupportCapacityInputSerializer(InputSerializer):
    """A support capacity to record or change (PUT: every field but the optional ones;
    PATCH: any). Entities, duty stations, areas and providers by their codes. With
    ``served_by``, no ``posts``, ``annual_cost`` or ``currency``."""

    read_serializer = SupportCapacitySerializer

    client = CodeRelatedField(queryset=ClientEntity.objects.all())
    duty_station = CodeRelatedField(queryset=DutyStation.objects.all())
    area = CodeRelatedField(queryset=FunctionalArea.objects.all())
    served_by = CodeRelatedField(
        queryset=ServiceProvider.objects.all(), required=False, allow_null=True
    )
    posts = serializers.DecimalField(
        max_digits=7,
        decimal_places=POSTS_DECIMAL_PLACES,
        min_value=POSTS_MIN,
        max_value=POSTS_MAX,
        required=False,
        allow_null=True,
        help_text="Full-time equivalents of the entity's own team, above 0.",
    )
    annual_cost = serializers.DecimalField(
        max_digits=16,
        decimal_places=COST_DECIMAL_PLACES,
        min_value=0,
        max_value=COST_MAX,
        required=False,
        allow_null=True,
    )
    currency = serializers.ChoiceField(
        choices=currency_choices(),
        required=False,
        allow_blank=True,
        error_messages={
            "invalid_choice": "'{input}' is not a currency the portal accepts: use an ISO "
            "4217 code such as USD, EUR, CHF or KES."
        },
    )
    source = serializers.CharField(max_length=SOURCE_MAX, required=False, allow_blank=True)


# --- the duplication analysis ----------------------------------------------------------


class TeamSerializer(serializers.Serializer):
    capacity = serializers.IntegerField(source="capacity_id")
    client = serializers.CharField(source="client_code")
    client_name = serializers.CharField()
    posts = serializers.DecimalField(max_digits=7, decimal_places=POSTS_DECIMAL_PLACES)
    annual_cost = serializers.DecimalField(
        max_digits=16, decimal_places=COST_DECIMAL_PLACES, allow_null=True
    )
    currency = serializers.CharField()
    illustrative = serializers.BooleanField()


class LocalSharingSerializer(serializers.Serializer):
    """Two or more entities each running their own team for ``area`` at ``duty_station``.
    ``total_annual_cost`` adds the costs given (``costed`` of the teams gave one) when
    they are in one currency; null, with ``currency`` "several", otherwise."""

    duty_station = serializers.CharField(source="duty_station_code")
    duty_station_name = serializers.CharField()
    hardship_class = serializers.CharField(allow_blank=True)
    hardship_class_illustrative = serializers.BooleanField(source="hardship_illustrative")
    area = serializers.CharField(source="area_code")
    area_name = serializers.CharField()
    entities = serializers.IntegerField()
    total_posts = serializers.DecimalField(max_digits=12, decimal_places=POSTS_DECIMAL_PLACES)
    total_annual_cost = serializers.DecimalField(
        source="total_cost", max_digits=20, decimal_places=COST_DECIMAL_PLACES, allow_null=True
    )
    currency = serializers.CharField(allow_blank=True)
    costed = serializers.IntegerField()
    illustrative = serializers.BooleanField()
    teams = TeamSerializer(many=True)


class OfferedBySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    scope = serializers.CharField(help_text="global or regional")


class ConsolidationSerializer(serializers.Serializer):
    """An entity's own team for the area of a location-independent ``service`` that the
    ``providers`` named offer (globally, or regionally covering the duty station)."""

    capacity = serializers.IntegerField(source="capacity_id")
    client = serializers.CharField(source="client_code")
    client_name = serializers.CharField()
    duty_station = serializers.CharField(source="duty_station_code")
    area = serializers.CharField(source="area_code")
    posts = serializers.DecimalField(max_digits=7, decimal_places=POSTS_DECIMAL_PLACES)
    annual_cost = serializers.DecimalField(
        max_digits=16, decimal_places=COST_DECIMAL_PLACES, allow_null=True
    )
    currency = serializers.CharField(allow_blank=True)
    service = serializers.CharField(source="service_code")
    service_name = serializers.CharField()
    providers = OfferedBySerializer(many=True)
    illustrative = serializers.BooleanField()


class HardshipSerializer(serializers.Serializer):
    """An entity's own team at a duty station of a hardship class (C, D or E)."""

    capacity = serializers.IntegerField(source="pk")
    client = serializers.CharField(source="client.code")
    duty_station = serializers.CharField(source="duty_station.code")
    hardship_class = serializers.CharField(source="duty_station.hardship.hardship_class")
    hardship_class_illustrative = serializers.BooleanField(
        source="duty_station.hardship.is_illustrative"
    )
    area = serializers.CharField(source="area.code")
    posts = serializers.DecimalField(max_digits=7, decimal_places=POSTS_DECIMAL_PLACES)
    annual_cost = serializers.DecimalField(
        max_digits=16, decimal_places=COST_DECIMAL_PLACES, allow_null=True
    )
    currency = serializers.CharField(allow_blank=True)
    illustrative = serializers.BooleanField(source="is_demo")
