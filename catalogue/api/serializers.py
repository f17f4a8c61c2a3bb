import re

from django.db import transaction
from rest_framework import serializers

from clients.models import ClientEntity
from core.api.serializers import CleanModelSerializer, CodeRelatedField, InputSerializer
from core.currencies import rate_text
from providers.models import ServiceProvider

from ..choices import OfferingScope
from ..models import (
    Designation,
    FunctionalArea,
    MinimumServiceStandard,
    Offering,
    OfferingCountry,
    Service,
)

COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


class FunctionalAreaSerializer(CleanModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="catalogue-api:functionalarea-detail")
    service_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = FunctionalArea
        fields = ["id", "url", "display", "code", "name", "description", "service_count"]


class ServiceSerializer(CleanModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="catalogue-api:service-detail")
    area = CodeRelatedField(queryset=FunctionalArea.objects.all())
    provider_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Service
        fields = [
            "id",
            "url",
            "display",
            "code",
            "name",
            "description",
            "area",
            "location_independent",
            "delivery_mode",
            "unit_of_service",
            "lifecycle",
            "provider_count",
            "source",
            "verification",
        ]


RATE_CARD = "An offering's rate is kept on the rate card: add or change it with /api/v1/rates/."


class OfferingSerializer(CleanModelSerializer):
    # One source of rates: refusing them here (rather than "read-only") says where to go.
    refusal_reasons = {"cost_recovery_rate": RATE_CARD, "currency": RATE_CARD}
    url = serializers.HyperlinkedIdentityField(view_name="catalogue-api:offering-detail")
    provider = CodeRelatedField(queryset=ServiceProvider.objects.all())
    service = CodeRelatedField(queryset=Service.objects.all())
    countries = serializers.ListField(
        source="country_codes",
        child=serializers.CharField(max_length=2, min_length=2),
        required=False,
        max_length=250,
        help_text="ISO 3166-1 alpha-2 codes served; empty for a global offering.",
    )
    cost_recovery_rate = serializers.SerializerMethodField(
        help_text="The rate in force today, from the rate card (/api/v1/rates/), as a "
        "decimal string with its currency's decimals; null when none is."
    )
    currency = serializers.CharField(
        read_only=True, allow_null=True, help_text="The currency of the rate in force today."
    )

    class Meta:
        model = Offering
        fields = [
            "id",
            "url",
            "display",
            "provider",
            "service",
            "scope",
            "countries",
            "cost_recovery_rate",
            "currency",
            "rate_unit",
            "lead_time_days",
            "source",
            "verification",
        ]

    def get_cost_recovery_rate(self, offering) -> str | None:
        rate = getattr(offering, "cost_recovery_rate", None)
        return None if rate is None else rate_text(rate, offering.currency)

    def validate_countries(self, value):
        codes = [c.upper() for c in value]
        bad = [c for c in codes if not COUNTRY_RE.match(c)]
        if bad:
            raise serializers.ValidationError(f"Not ISO 3166-1 alpha-2 codes: {', '.join(bad)}.")
        if len(set(codes)) != len(codes):
            raise serializers.ValidationError("A country is listed twice.")
        return sorted(codes)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        scope = attrs.get("scope", getattr(self.instance, "scope", None))
        countries = attrs.get("country_codes")
        if scope == OfferingScope.GLOBAL and countries:
            raise serializers.ValidationError(
                {"countries": "A global offering serves every country; list none."}
            )
        if scope in (OfferingScope.REGIONAL, OfferingScope.LOCAL) and countries == []:
            raise serializers.ValidationError(
                {"countries": f"A {scope} offering lists the countries it serves."}
            )
        return attrs

    @transaction.atomic
    def create(self, validated_data):
        countries = validated_data.pop("country_codes", None)
        offering = super().create(validated_data)
        self._set_countries(offering, countries or [])
        return offering

    @transaction.atomic
    def update(self, instance, validated_data):
        countries = validated_data.pop("country_codes", None)
        offering = super().update(instance, validated_data)
        if countries is not None:
            self._set_countries(offering, countries)
        return offering

    def _set_countries(self, offering, countries):
        offering.countries.exclude(country__in=countries).delete()
        have = set(offering.countries.values_list("country", flat=True))
        OfferingCountry.objects.bulk_create(
            OfferingCountry(offering=offering, country=c) for c in countries if c not in have
        )
        if hasattr(offering, "_prefetched_objects_cache"):
            offering._prefetched_objects_cache.pop("countries", None)


class MinimumServiceStandardSerializer(CleanModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="catalogue-api:minimumservicestandard-detail"
    )
    service = CodeRelatedField(queryset=Service.objects.all())
    statement = serializers.CharField(read_only=True)
    illustrative = serializers.BooleanField(source="is_illustrative", read_only=True)

    class Meta:
        model = MinimumServiceStandard
        fields = [
            "id",
            "url",
            "display",
            "code",
            "service",
            "kind",
            "threshold",
            "clock",
            "target_pct",
            "statement",
            "source",
            "verification",
            "illustrative",
        ]


class DesignationSerializer(serializers.ModelSerializer):
    """A designation: the provider for a client entity and a service or a whole
    area, ``valid_from`` to ``valid_to`` (both included; open-ended when null), with its
    workflow: who requested it and when, who decided, when and why. Only ``approved``
    ones count."""

    url = serializers.HyperlinkedIdentityField(view_name="catalogue-api:designation-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    client = CodeRelatedField(read_only=True)
    provider = CodeRelatedField(read_only=True)
    service = CodeRelatedField(read_only=True, allow_null=True)
    area = CodeRelatedField(read_only=True, allow_null=True)
    requested_by = serializers.StringRelatedField()
    decided_by = serializers.StringRelatedField()
    ended_by = serializers.StringRelatedField()

    class Meta:
        model = Designation
        fields = [
            "id",
            "url",
            "display",
            "client",
            "service",
            "area",
            "provider",
            "valid_from",
            "valid_to",
            "status",
            "basis",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_reason",
            "ended_by",
            "ended_at",
            "end_reason",
            "source",
            "verification",
        ]
        read_only_fields = fields


class DesignationRequestSerializer(InputSerializer):
    """A request: the client entity, the provider, a service or a whole area (one of the
    two), the first day and optionally the last day, and why (``basis``)."""

    read_serializer = DesignationSerializer
    client = CodeRelatedField(queryset=ClientEntity.objects.all())
    provider = CodeRelatedField(queryset=ServiceProvider.objects.all())
    service = CodeRelatedField(queryset=Service.objects.all(), required=False, allow_null=True)
    area = CodeRelatedField(queryset=FunctionalArea.objects.all(), required=False, allow_null=True)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True)
    basis = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class DesignationDecisionSerializer(InputSerializer):
    """Approving (``reason`` optional) or declining (``reason`` required) a request."""

    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class DesignationEndSerializer(InputSerializer):
    """Ending an approved designation: its last day (today at the earliest) and why."""

    valid_to = serializers.DateField()
    reason = serializers.CharField(max_length=4000)
