"""The API token for a user name and password, with a body checked like every other."""

from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken

from .serializers import StrictInputMixin
from .viewsets import ApiContractMixin


class TokenRequestSerializer(StrictInputMixin, AuthTokenSerializer):
    """``username`` and ``password``; anything else is refused, never dropped."""


class ObtainToken(ApiContractMixin, ObtainAuthToken):
    """Answer ``{"token": ...}`` for a user name and password."""

    serializer_class = TokenRequestSerializer


obtain_token = ObtainToken.as_view()
