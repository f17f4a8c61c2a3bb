from rest_framework import serializers

from clients.models import ClientEntity
from core.api.serializers import CodeRelatedField, InputSerializer
from providers.models import ServiceProvider

from ..choices import TokenScope
from ..models import IntegrationToken


class IntegrationTokenSerializer(serializers.ModelSerializer):
    """An integration token as lists show it: never the token, only its ``prefix``."""

    url = serializers.HyperlinkedIdentityField(view_name="integrations-api:integrationtoken-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    provider = CodeRelatedField(read_only=True, allow_null=True)
    client = CodeRelatedField(read_only=True, allow_null=True)
    active = serializers.SerializerMethodField()

    class Meta:
        model = IntegrationToken
        fields = [
            "id",
            "url",
            "display",
            "name",
            "prefix",
            "scope",
            "provider",
            "client",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "active",
        ]
        read_only_fields = fields

    def get_active(self, obj) -> bool:
        """Not revoked and not expired."""
        return obj.is_active(self.context["now"])


class IntegrationTokenCreatedSerializer(IntegrationTokenSerializer):
    """The answer to a creation: the token itself, shown this once and stored nowhere."""

    token = serializers.CharField(
        read_only=True, help_text="Keep it now: the portal stores only its digest."
    )

    class Meta(IntegrationTokenSerializer.Meta):
        fields = [*IntegrationTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class IntegrationTokenInputSerializer(InputSerializer):
    """A new token: its name, scope, one organisation (a provider's or a client entity's
    code) and its expiry (at most ``PORTAL_TOKEN_MAX_DAYS`` days away)."""

    read_serializer = IntegrationTokenCreatedSerializer

    name = serializers.CharField(max_length=100)
    scope = serializers.ChoiceField(choices=TokenScope.choices)
    provider = CodeRelatedField(queryset=ServiceProvider.objects.all(), required=False)
    client = CodeRelatedField(queryset=ClientEntity.objects.all(), required=False)
    expires_at = serializers.DateTimeField()
