from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.selectors import user_scope
from core.api.serializers import NoInputSerializer
from core.api.viewsets import PortalGenericViewSet, ReferenceDataViewSet

from .. import services
from ..filtersets import (
    DesignationFilterSet,
    FunctionalAreaFilterSet,
    MinimumServiceStandardFilterSet,
    OfferingFilterSet,
    ServiceFilterSet,
)
from ..models import Designation
from ..selectors import (
    area_queryset,
    offering_queryset,
    service_queryset,
    standard_queryset,
    visible_designations,
)
from .serializers import (
    DesignationDecisionSerializer,
    DesignationEndSerializer,
    DesignationRequestSerializer,
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


@extend_schema(tags=["designations"])
class DesignationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PortalGenericViewSet):
    """Designations: the provider designated for a client entity and a
    service or a whole area. Approved ones by default (``status`` for the others, ``any``
    for all); requests are seen by the central roles, the client entity's people and the
    requested provider's people. Focal points request (POST); catalogue managers approve,
    decline (with a reason) and end; the requester's entity withdraws a pending request."""

    queryset = Designation.objects.none()
    serializer_class = DesignationSerializer
    filterset_class = DesignationFilterSet
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return visible_designations(user_scope(self.request.user)).order_by(
            "client__code", "valid_from", "pk"
        )

    def get_object(self):
        # Note: not through the filters, which list approved designations unless asked:
        # a request is opened (and decided) by its id whatever its status.
        designation = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, designation)
        return designation

    def _answer(self, designation, code=status.HTTP_200_OK):
        designation = self.get_queryset().get(pk=designation.pk)
        return Response(
            DesignationSerializer(designation, context={"request": self.request}).data,
            status=code,
        )

    @extend_schema(request=DesignationRequestSerializer, responses={201: DesignationSerializer})
    def create(self, request, *args, **kwargs):
        """Request a designation (the client entity's focal points, catalogue managers)."""
        if not user_scope(request.user).may_request_designations:
            raise services.DesignationPermissionDenied(
                "Only client focal points and catalogue managers request designations."
            )
        data = DesignationRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        designation = services.designation_request(user=request.user, **data.validated_data)
        return self._answer(designation, status.HTTP_201_CREATED)

    @extend_schema(request=DesignationDecisionSerializer, responses=DesignationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve a pending request (catalogue managers); ``reason`` optional."""
        designation = self.get_object()
        data = DesignationDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.designation_approve(
            user=request.user, designation=designation, reason=data.validated_data.get("reason", "")
        )
        return self._answer(designation)

    @extend_schema(request=DesignationDecisionSerializer, responses=DesignationSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Decline a pending request, saying why in ``reason`` (catalogue managers)."""
        designation = self.get_object()
        data = DesignationDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.designation_decline(
            user=request.user, designation=designation, reason=data.validated_data.get("reason", "")
        )
        return self._answer(designation)

    @extend_schema(request=NoInputSerializer, responses=DesignationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw a pending request (the client entity's focal points)."""
        designation = self.get_object()
        NoInputSerializer(data=request.data).is_valid(raise_exception=True)
        services.designation_withdraw(user=request.user, designation=designation)
        return self._answer(designation)

    @extend_schema(request=DesignationEndSerializer, responses=DesignationSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End an approved designation on ``valid_to`` (today at the earliest), saying why
        (catalogue managers)."""
        designation = self.get_object()
        data = DesignationEndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.designation_end(user=request.user, designation=designation, **data.validated_data)
        return self._answer(designation)
