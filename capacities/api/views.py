"""API of support capacities (``/api/v1/support-capacities/``, DOMAIN §9) and of their
duplication analysis (``/api/v1/duplication/local-sharing/``, ``.../consolidation/``,
``.../hardship/``: management and catalogue managers)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from accounts.permissions import ReadForMembers
from accounts.selectors import user_scope
from core.api.viewsets import ApiContractMixin, PortalModelViewSet
from core.exceptions import ApplicationError

from .. import services
from ..filtersets import AnalysisFilterForm, SupportCapacityFilterSet
from ..models import SupportCapacity
from ..selectors import capacity_queryset, consolidation, hardship_capacities, local_sharing
from .serializers import (
    ConsolidationSerializer,
    HardshipSerializer,
    LocalSharingSerializer,
    SupportCapacityInputSerializer,
    SupportCapacitySerializer,
)


class CapacityEditors(ReadForMembers):
    """Any signed-in user reads (the capacities their scope shows); client focal points
    and catalogue managers write (each capacity's entity is checked by the service)."""

    message = "Only client focal points and catalogue managers change support capacities."

    def may_write(self, scope) -> bool:
        return scope.edits_capacities


@extend_schema(tags=["support capacities"])
class SupportCapacityViewSet(PortalModelViewSet):
    """What a client entity runs itself at a duty station for a functional area (posts,
    optional annual cost), or the provider that serves it there: one row per entity ×
    duty station × area. Read: global roles every row, an entity's people its own, a
    provider's people those it serves. Written by the entity's focal points and
    catalogue managers."""

    queryset = SupportCapacity.objects.none()
    serializer_class = SupportCapacitySerializer
    filterset_class = SupportCapacityFilterSet
    permission_classes = [CapacityEditors]

    def get_queryset(self):
        return capacity_queryset(user=self.request.user).order_by(
            "client__code", "duty_station__code", "area__code"
        )

    def _answer(self, capacity, code=status.HTTP_200_OK):
        capacity = self.get_queryset().get(pk=capacity.pk)
        data = SupportCapacitySerializer(capacity, context={"request": self.request}).data
        return Response(data, status=code)

    @extend_schema(
        request=SupportCapacityInputSerializer, responses={201: SupportCapacitySerializer}
    )
    def create(self, request, *args, **kwargs):
        data = SupportCapacityInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        capacity = services.capacity_create(user=request.user, **data.validated_data)
        return self._answer(capacity, status.HTTP_201_CREATED)

    @extend_schema(request=SupportCapacityInputSerializer, responses=SupportCapacitySerializer)
    def update(self, request, *args, **kwargs):
        capacity = self.get_object()
        services.require_capacity_editor(request.user, capacity.client_id)
        data = SupportCapacityInputSerializer(
            data=request.data, partial=kwargs.get("partial", False)
        )
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        if not kwargs.get("partial"):
            # A PUT states the whole row: an optional field left out is emptied.
            for name in ("served_by", "posts", "annual_cost"):
                changes.setdefault(name, None)
            for name in ("currency", "source"):
                changes.setdefault(name, "")
        capacity = services.capacity_update(user=request.user, capacity=capacity, changes=changes)
        return self._answer(capacity)

    @extend_schema(request=SupportCapacityInputSerializer, responses=SupportCapacitySerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.capacity_delete(user=request.user, capacity=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- the duplication analysis ----------------------------------------------------------


class AnalysisReaders(BasePermission):
    message = "The duplication analysis is for management and catalogue managers."

    def has_permission(self, request, view) -> bool:
        scope = user_scope(request.user)
        return scope.authenticated and scope.reads_duplication_analysis


ANALYSIS_PARAMETERS = [
    OpenApiParameter("area", str, description="functional area code, e.g. HR"),
    OpenApiParameter("duty_station", str, description="duty station code, e.g. NBO"),
]


class _AnalysisView(ApiContractMixin, generics.ListAPIView):
    """An analysis's findings, paginated; refused (400) when a filter names no object."""

    permission_classes = [AnalysisReaders]
    filter_backends = []

    def find(self, filters):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # The schema is built on a process's first API request: it must not run the
            # analysis to learn the model.
            return SupportCapacity.objects.none()
        form = AnalysisFilterForm(self.request.query_params)
        if not form.is_valid():
            raise ApplicationError(
                "Check the filters: area and duty_station are codes.",
                {k: [str(m) for m in v] for k, v in form.errors.items()},
            )
        return self.find(form.filters())


@extend_schema(tags=["support capacities"], parameters=ANALYSIS_PARAMETERS)
class LocalSharingView(_AnalysisView):
    """Duty stations where two or more entities each run their own team for the same
    functional area (local sharing opportunities), most posts first, with the teams, their
    posts and the total posts and annual cost."""

    serializer_class = LocalSharingSerializer

    def find(self, filters):
        return local_sharing(filters=filters)


@extend_schema(tags=["support capacities"], parameters=ANALYSIS_PARAMETERS)
class ConsolidationView(_AnalysisView):
    """Entities' own teams for the area of a location-independent service that a global
    provider, or a regional one covering the duty station's country, offers (consolidation
    candidates), one row per team and service, naming the providers."""

    serializer_class = ConsolidationSerializer

    def find(self, filters):
        return consolidation(filters=filters)


@extend_schema(tags=["support capacities"], parameters=ANALYSIS_PARAMETERS)
class HardshipView(_AnalysisView):
    """Entities' own teams at duty stations of hardship class C, D or E (ICSC scale; the
    shipped classes are illustrative unless marked otherwise), most difficult first."""

    serializer_class = HardshipSerializer

    def find(self, filters):
        return hardship_capacities(filters=filters)
