"""API of integration tokens (``/api/v1/integration-tokens/``): a signed-in catalogue
manager or provider manager lists, creates and revokes their own tokens."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from accounts.selectors import user_scope
from core.api.serializers import NoInputSerializer
from core.api.viewsets import PortalGenericViewSet

from ..models import IntegrationToken
from ..selectors import token_queryset
from ..services import token_create, token_revoke
from .serializers import (
    IntegrationTokenCreatedSerializer,
    IntegrationTokenInputSerializer,
    IntegrationTokenSerializer,
)


class TokenIssuers(BasePermission):
    """Catalogue managers and provider managers, signed in (not with a token)."""

    message = "Only catalogue managers and provider managers, signed in, manage tokens."

    def has_permission(self, request, view) -> bool:
        return user_scope(request.user).issues_tokens


@extend_schema(tags=["integration tokens"])
class IntegrationTokenViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, PortalGenericViewSet
):
    """The integration tokens you created, newest first: the token itself never, only its
    prefix, with its organisation, scope, expiry, last use and revocation."""

    queryset = IntegrationToken.objects.none()
    serializer_class = IntegrationTokenSerializer
    permission_classes = [TokenIssuers]
    filter_backends = []

    def get_queryset(self):
        return token_queryset(user=self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(
        request=IntegrationTokenInputSerializer,
        responses={201: IntegrationTokenCreatedSerializer},
    )
    def create(self, request):
        """Create a token; the answer holds the token itself, shown this once."""
        data = IntegrationTokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, clear = token_create(user=request.user, **data.validated_data)
        token.token = clear
        answer = IntegrationTokenCreatedSerializer(token, context=self.get_serializer_context())
        return Response(answer.data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NoInputSerializer, responses={200: IntegrationTokenSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Revoke the token: it opens nothing from now on (revoking again changes nothing)."""
        NoInputSerializer(data=request.data).is_valid(raise_exception=True)
        token = token_revoke(token=self.get_object(), user=request.user)
        return Response(self.get_serializer(token).data)
