from rest_framework import serializers

from core.api.serializers import CleanModelSerializer, CodeRelatedField
from core.models import DutyStation

from ..models import ClientEntity


class ClientEntitySerializer(CleanModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="clients-api:cliententity-detail")
    parent = CodeRelatedField(queryset=ClientEntity.objects.all(), required=False, allow_null=True)
    duty_station = CodeRelatedField(
        queryset=DutyStation.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = ClientEntity
        fields = [
            "id",
            "url",
            "display",
            "code",
            "name",
            "type",
            "pillar",
            "parent",
            "duty_station",
            "country",
            "active",
            "source",
            "verification",
        ]
