from core.api.viewsets import ReferenceDataViewSet

from ..filtersets import (
    DesignationFilterSet,
    FunctionalAreaFilterSet,
    MinimumServiceStandardFilterSet,
    OfferingFilterSet,
    ServiceFilterSet,
)
from ..selectors import (
    area_queryset,
    designation_queryset,
    offering_queryset,
    service_queryset,
    standard_queryset,
)
from .serializers import (
    DesignationSerializer,
    FunctionalAreaSerializer,
    MinimumServiceStandardSerializer,
    OfferingSerializer,
    ServiceSerializer,
)


class FunctionalAreaViewSet(ReferenceDataViewSet):
    """Functional areas (categories) of the common catalogue."""

    selector = area_queryset
    serializer_class = FunctionalAreaSerializer
    filterset_class = FunctionalAreaFilterSet


class ServiceViewSet(ReferenceDataViewSet):
    """Catalogue services, searchable by keyword, area, provider, mode and country served."""

    selector = service_queryset
    serializer_class = ServiceSerializer
    filterset_class = ServiceFilterSet


class OfferingViewSet(ReferenceDataViewSet):
    """Which provider offers which service, where, at what rate and lead time."""

    selector = offering_queryset
    serializer_class = OfferingSerializer
    filterset_class = OfferingFilterSet


class MinimumServiceStandardViewSet(ReferenceDataViewSet):
    """Minimum service standards: global measures that apply to every provider of a service."""

    selector = standard_queryset
    serializer_class = MinimumServiceStandardSerializer
    filterset_class = MinimumServiceStandardFilterSet


class DesignationViewSet(ReferenceDataViewSet):
    """The provider designated for a client entity and a service or area."""

    selector = designation_queryset
    serializer_class = DesignationSerializer
    filterset_class = DesignationFilterSet
