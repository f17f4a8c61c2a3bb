from core.api.viewsets import ReferenceDataViewSet

from ..filtersets import ClientEntityFilterSet
from ..selectors import client_queryset
from .serializers import ClientEntitySerializer


class ClientEntityViewSet(ReferenceDataViewSet):
    """Client entities: departments, offices, missions and resident coordinator offices."""

    selector = client_queryset
    serializer_class = ClientEntitySerializer
    filterset_class = ClientEntityFilterSet
