"""The base classes of every API endpoint: what they share is the API's contract.

- Query parameters: only those the operation's schema documents (filters, ordering,
  pagination, ``format`` and its own ``@extend_schema`` parameters) are taken; any other
  is refused with 400 naming it, never ignored.
- Detail paths name an object by its id or by its natural key (``code``, or the view's
  ``natural_key``), see ``core.api.keys``.

An endpoint follows the contract by building on ``PortalAPIView`` or one of the viewsets
below (``ApiContractMixin`` first).
"""

from django.http import Http404
from rest_framework import generics, viewsets
from rest_framework.views import APIView

from core.exceptions import ApplicationError

from .keys import is_id, natural_key_of
from .schema import documented_query_parameters

MAX_NAMED = 20


class ApiContractMixin:
    """Refuses undocumented query parameters; looks objects up by id or natural key."""

    # The lookup of the natural key; None: the model's ``code`` if it has one; "": none.
    natural_key: str | None = None
    # Actions besides ``list`` that filter their rows like it (their schema shows the filters,
    # so they take them).
    filtered_actions: tuple[str, ...] = ()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method != "OPTIONS":
            self.refuse_unknown_query_parameters(request)

    def refuse_unknown_query_parameters(self, request):
        accepted = documented_query_parameters(self, request.method)
        if accepted is None:
            return
        unknown = sorted(set(request.query_params) - accepted)
        if not unknown:
            return
        taken = ", ".join(sorted(accepted)) or "none"
        errors = {}
        for name in unknown[:MAX_NAMED]:
            reason = f"Unknown query parameter. Accepted: {taken}."
            if name == "search" and "q" in accepted:
                reason += " Keyword search is q."
            errors[name[:64].encode("utf-8", "replace").decode("utf-8")] = [reason]
        raise ApplicationError(
            f"Unknown query parameter{'s' if len(unknown) > 1 else ''}: "
            + ", ".join(e for e in errors)
            + ".",
            errors,
        )

    def lookup_filter(self, value) -> dict:
        """The filter that finds the object named by the path's key ``value``."""
        value = str(value)
        if is_id(value):
            return {self.lookup_field: value}
        key = natural_key_of(self, self.get_queryset().model)
        if key is None:
            raise Http404("No such object.")
        return {key: value}

    def get_object(self):
        queryset = self.filter_queryset(self.get_queryset())
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        obj = generics.get_object_or_404(
            queryset, **self.lookup_filter(self.kwargs[lookup_url_kwarg])
        )
        self.check_object_permissions(self.request, obj)
        return obj


class PortalAPIView(ApiContractMixin, APIView):
    """An endpoint that is not a viewset (an action on its own)."""


class PortalViewSet(ApiContractMixin, viewsets.ViewSet):
    pass


class PortalGenericViewSet(ApiContractMixin, viewsets.GenericViewSet):
    pass


class PortalReadOnlyModelViewSet(ApiContractMixin, viewsets.ReadOnlyModelViewSet):
    pass


class PortalModelViewSet(ApiContractMixin, viewsets.ModelViewSet):
    pass


class ReferenceDataViewSet(PortalModelViewSet):
    """CRUD for reference data: every signed-in user reads, catalogue managers write.

    Subclasses name a ``selector`` returning the base queryset (with its joins) and
    the FilterSet shared with the pages; ordering is part of that FilterSet.
    """

    selector = None

    def get_queryset(self):
        return type(self).selector()

    def perform_create(self, serializer):
        serializer.save()
        self._reread(serializer)

    def perform_update(self, serializer):
        serializer.save()
        self._reread(serializer)

    def _reread(self, serializer):
        # Answer with the row as reads show it: the selector's annotations (counts) included,
        # as the schema promises.
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)
