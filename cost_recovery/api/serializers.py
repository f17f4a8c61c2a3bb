from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from catalogue.models import Service
from core.api.serializers import CodeRelatedField
from core.currencies import currency_choices, rate_text
from providers.models import ServiceProvider

from ..choices import RATE_DECIMAL_PLACES, RATE_MAX, StatementStatus
from ..models import Rate
from ..services.statements import COMMENT_MAX


class StrictSerializer(serializers.Serializer):
    """Refuses the fields it does not take, naming them (a typo such as ``valid_until``
    must not be ignored silently: the caller would think the rate ends)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            known = {name for name, f in self.fields.items() if not f.read_only}
            unknown = sorted(str(k)[:60] for k in data if k not in known)
            if unknown:
                raise serializers.ValidationError(
                    {name: ["This field is not taken here."] for name in unknown}
                )
        return super().to_internal_value(data)


class RateSerializer(serializers.ModelSerializer):
    """A rate of an offering (provider × service, by code): the price of one unit in a
    currency, from ``valid_from`` to ``valid_to`` (both included; open-ended when null);
    ``charge_defective``: defective deliveries are charged too."""

    url = serializers.HyperlinkedIdentityField(view_name="cost_recovery-api:rate-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    provider = CodeRelatedField(source="offering.provider", read_only=True)
    service = CodeRelatedField(source="offering.service", read_only=True)
    rate_unit = serializers.CharField(source="offering.rate_unit", read_only=True)
    illustrative = serializers.BooleanField(source="is_illustrative", read_only=True)

    class Meta:
        model = Rate
        fields = [
            "id",
            "url",
            "display",
            "provider",
            "service",
            "rate",
            "currency",
            "rate_unit",
            "valid_from",
            "valid_to",
            "charge_defective",
            "is_demo",
            "source",
            "verification",
            "illustrative",
        ]
        read_only_fields = fields


class RateChangeSerializer(StrictSerializer):
    """A change to a rate (PUT: every field but ``valid_to`` and ``charge_defective``;
    PATCH: any). A rate stays with its offering."""

    rate = serializers.DecimalField(
        max_digits=14, decimal_places=RATE_DECIMAL_PLACES, min_value=0, max_value=RATE_MAX
    )
    currency = serializers.ChoiceField(
        choices=currency_choices(),
        error_messages={
            "invalid_choice": "'{input}' is not a currency the portal accepts: use an ISO "
            "4217 code such as USD, EUR, CHF, KWD or JPY."
        },
    )
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True)
    charge_defective = serializers.BooleanField(required=False)


class RateInputSerializer(RateChangeSerializer):
    """A new rate: the offering by its provider and service codes, and the rate."""

    provider = CodeRelatedField(queryset=ServiceProvider.objects.all())
    service = CodeRelatedField(queryset=Service.objects.all())


class StatementLineSerializer(serializers.Serializer):
    """One line: a service at one rate; ``adjusts`` is the month (YYYY-MM) an adjustment
    line belongs to, null on the month's own lines. Decimals are strings, exact."""

    service = CodeRelatedField(read_only=True)
    quantity = serializers.IntegerField()
    rate = serializers.SerializerMethodField()
    amount = serializers.SerializerMethodField()
    adjusts = serializers.SerializerMethodField()

    def get_rate(self, line) -> str:
        return rate_text(line.rate, line.currency)

    def get_amount(self, line) -> str:
        return rate_text(line.amount, line.currency)

    def get_adjusts(self, line) -> str | None:
        return f"{line.adjusts:%Y-%m}" if line.adjusts else None


# Note: served by the list route (``/api/v1/statements/?...``), yet one object: the schema
# must not read it as a list.
@extend_schema_serializer(many=False)
class StatementSerializer(serializers.Serializer):
    """What a client entity owes a provider for a month, issued or not (``status``
    ``draft`` until issued): a line per service and rate, adjustments, the total."""

    provider = CodeRelatedField(read_only=True)
    client = CodeRelatedField(read_only=True)
    period = serializers.SerializerMethodField()
    currency = serializers.CharField(allow_null=True)
    lines = StatementLineSerializer(many=True)
    total = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=StatementStatus.choices)
    issued_at = serializers.SerializerMethodField()
    answered_at = serializers.SerializerMethodField()
    comment = serializers.SerializerMethodField()
    unpriced_records = serializers.SerializerMethodField(
        help_text="Records completed on days without a rate (a draft with any cannot be "
        "issued), by service and month."
    )

    def get_period(self, view) -> str:
        return f"{view.month:%Y-%m}"

    def get_total(self, view) -> str:
        return rate_text(view.total, view.currency)

    def get_issued_at(self, view) -> str | None:
        return view.stored.issued_at.isoformat() if view.stored else None

    def get_answered_at(self, view) -> str | None:
        if view.stored is None or view.stored.answered_at is None:
            return None
        return view.stored.answered_at.isoformat()

    def get_comment(self, view) -> str:
        return view.stored.comment if view.stored else ""

    def get_unpriced_records(self, view) -> list[dict]:
        return [
            {"service": u.service.code, "period": f"{u.month:%Y-%m}", "records": u.records}
            for u in view.unpriced
        ]

    def to_representation(self, view):
        data = super().to_representation(view)
        data["currency"] = view.currency or None
        return data


class StatementActionSerializer(StrictSerializer):
    """Which statement: provider and client codes, and the month (YYYY-MM)."""

    provider = serializers.CharField(max_length=64)
    client = serializers.CharField(max_length=64)
    period = serializers.CharField(max_length=7)


class StatementAnswerSerializer(StatementActionSerializer):
    """Which statement, and the client's comment (required to dispute)."""

    comment = serializers.CharField(
        max_length=COMMENT_MAX, required=False, allow_blank=True, trim_whitespace=True
    )
