from core.api.viewsets import ReferenceDataViewSet

from ..filtersets import ServiceProviderFilterSet
from ..selectors import provider_queryset
from .serializers import ServiceProviderSerializer


class ServiceProviderViewSet(ReferenceDataViewSet):
    """Service providers: global and regional service centres and large offices."""

    selector = provider_queryset
    serializer_class = ServiceProviderSerializer
    filterset_class = ServiceProviderFilterSet
