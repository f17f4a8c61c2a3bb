from rest_framework import serializers

from catalogue.models import Offering
from clients.models import ClientEntity
from core.api.serializers import CodeRelatedField, InputSerializer

from ..choices import SCORE_FIELDS
from ..models import Answer, Campaign
from ..services.campaigns import COMMENT_MAX


class OfferingBriefSerializer(serializers.ModelSerializer):
    provider = CodeRelatedField(read_only=True)
    service = CodeRelatedField(read_only=True)

    class Meta:
        model = Offering
        fields = ["id", "provider", "service"]
        read_only_fields = fields


class CampaignSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="surveys-api:campaign-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    template_version = serializers.IntegerField(source="template.version", read_only=True)
    offerings = OfferingBriefSerializer(many=True, read_only=True)
    clients = CodeRelatedField(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "url",
            "display",
            "name",
            "status",
            "opens_on",
            "closes_on",
            "template_version",
            "offerings",
            "clients",
            "reminder_every_days",
            "opened_at",
            "closed_at",
        ]
        read_only_fields = fields


class OfferingInputSerializer(InputSerializer):
    provider = serializers.CharField(max_length=64)
    service = serializers.CharField(max_length=64)


class CampaignCreateSerializer(InputSerializer):
    """A new draft campaign: provider services as {provider, service} codes, client codes."""

    read_serializer = CampaignSerializer

    name = serializers.CharField(max_length=200)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    reminder_every_days = serializers.IntegerField(min_value=1, max_value=90, default=7)
    offerings = OfferingInputSerializer(many=True, allow_empty=False, max_length=500)
    clients = serializers.ListField(
        child=serializers.CharField(max_length=64), allow_empty=False, max_length=500
    )

    def validate_offerings(self, value):
        found = {
            (o.provider.code, o.service.code): o
            for o in Offering.objects.select_related("provider", "service").filter(
                provider__code__in=[v["provider"] for v in value],
                service__code__in=[v["service"] for v in value],
            )
        }
        missing = [
            f"{v['provider']}/{v['service']}"
            for v in value
            if (v["provider"], v["service"]) not in found
        ]
        if missing:
            raise serializers.ValidationError(
                f"Not offered: {', '.join(m[:80] for m in missing[:10])}."
            )
        return [found[(v["provider"], v["service"])] for v in value]

    def validate_clients(self, value):
        found = {c.code: c for c in ClientEntity.objects.filter(code__in=value)}
        missing = [code for code in value if code not in found]
        if missing:
            raise serializers.ValidationError(
                f"No client entity with code {', '.join(m[:64] for m in missing[:10])}."
            )
        return [found[code] for code in value]

    def validate(self, attrs):
        if attrs["closes_on"] < attrs["opens_on"]:
            raise serializers.ValidationError({"closes_on": "The campaign closes before it opens."})
        return attrs


class AnswerSerializer(serializers.ModelSerializer):
    """The caller's own answer about one provider's service in a campaign. Scores are
    whole numbers from 1 to 5; the comment is optional (at most 2000 characters)."""

    url = serializers.HyperlinkedIdentityField(view_name="surveys-api:answer-detail")
    campaign = serializers.PrimaryKeyRelatedField(read_only=True)
    client = CodeRelatedField(read_only=True)
    provider = CodeRelatedField(read_only=True)
    service = CodeRelatedField(read_only=True)
    satisfied = serializers.BooleanField(read_only=True)

    class Meta:
        model = Answer
        fields = [
            "id",
            "url",
            "campaign",
            "client",
            "provider",
            "service",
            *SCORE_FIELDS,
            "comment",
            "satisfied",
            "answered_at",
            "updated_at",
        ]
        read_only_fields = fields


class AnswerChangeSerializer(InputSerializer):
    """A change to one's answer: the scores and the comment."""

    read_serializer = AnswerSerializer

    overall = serializers.IntegerField(min_value=1, max_value=5)
    timeliness = serializers.IntegerField(min_value=1, max_value=5)
    quality = serializers.IntegerField(min_value=1, max_value=5)
    communication = serializers.IntegerField(min_value=1, max_value=5)
    ease_of_access = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(
        max_length=COMMENT_MAX, required=False, allow_blank=True, trim_whitespace=True
    )


class AnswerInputSerializer(AnswerChangeSerializer):
    """An answer as given: the campaign, the provider and service (codes), the entity
    answered for (needed only by a focal point of several invited entities), and the
    scores and comment of a change."""

    campaign = serializers.IntegerField(min_value=1)
    provider = serializers.CharField(max_length=64)
    service = serializers.CharField(max_length=64)
    client = serializers.CharField(max_length=64, required=False)


class MeansSerializer(serializers.Serializer):
    overall = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    timeliness = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    quality = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    communication = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    ease_of_access = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)


class ResultCellSerializer(serializers.Serializer):
    """One campaign, provider and service. Below the anonymity threshold (``shown`` false)
    the figures are null and the comments empty."""

    campaign = serializers.IntegerField(source="campaign.pk")
    campaign_name = serializers.CharField(source="campaign.name")
    opens_on = serializers.DateField(source="campaign.opens_on")
    closes_on = serializers.DateField(source="campaign.closes_on")
    provider = CodeRelatedField(read_only=True)
    service = CodeRelatedField(read_only=True)
    shown = serializers.BooleanField()
    answers = serializers.SerializerMethodField()
    invited = serializers.IntegerField()
    response_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    satisfied_share = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    means = MeansSerializer(allow_null=True)
    comments = serializers.ListField(child=serializers.CharField())

    def get_answers(self, cell) -> int | None:
        return cell.answers if cell.shown else None

    def to_representation(self, cell):
        data = super().to_representation(cell)
        if not cell.shown:
            data["means"] = None
        return data
