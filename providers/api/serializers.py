from rest_framework import serializers

from clients.models import ClientEntity
from core.api.serializers import CleanModelSerializer, CodeRelatedField
from core.models import DutyStation

from ..models import ServiceProvider


class ServiceProviderSerializer(CleanModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="providers-api:serviceprovider-detail")
    duty_station = CodeRelatedField(queryset=DutyStation.objects.all())
    entity = CodeRelatedField(queryset=ClientEntity.objects.all(), required=False, allow_null=True)
    timezone = serializers.CharField(source="duty_station.timezone", read_only=True)

    class Meta:
        model = ServiceProvider
        fields = [
            "id",
            "url",
            "display",
            "code",
            "name",
            "kind",
            "duty_station",
            "timezone",
            "entity",
            "description",
            "contact",
            "source",
            "verification",
        ]
