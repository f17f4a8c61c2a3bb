"""Pages of the support network: the designation advisor (central roles, and a client's
focal points for their own entities) and the network map (every signed-in user, each
provider's attainment as their scope allows). Every page asks the user's scope
(``UserScope``); the figures come from ``network.selectors``, the same functions the API
calls."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views import View

from accounts.selectors import user_scope
from clients.models import ClientEntity
from core.zones import portal_today

from . import geo
from .forms import AdvisorForm, MapForm
from .scoring import FACTORS, LABELS, WEIGHTS, explanation
from .selectors import BANDS, NO_DATA_BAND, NOT_SHOWN_BAND, designation_advice, network_map
from .tables import advice_table, client_table, designation_table, provider_table


def own_clients(scope):
    """The client entities a user may ask the advisor about (None: every one)."""
    if scope.sees_everything:
        return None
    return ClientEntity.objects.filter(pk__in=scope.focal_point_client_ids).order_by("code")


class DesignationAdvisorView(LoginRequiredMixin, View):
    """For a client entity and a service: every provider offering it, each factor, the
    score and the rank, and how the rank was made."""

    def get(self, request):
        scope = user_scope(request.user)
        if not scope.seeks_designation_advice:
            raise PermissionDenied(
                "The designation advisor is for catalogue managers, management and client "
                "focal points."
            )
        asked = any(request.GET.get(k) for k in ("client", "service", "week"))
        form = AdvisorForm(request.GET if asked else None, own_clients=own_clients(scope))
        advice = table = None
        if asked and form.is_valid():
            client = form.cleaned_data["client"]
            if not scope.may_seek_designation_advice_for(client.pk):
                raise PermissionDenied("You may ask the advisor only for your own entities.")
            advice = designation_advice(
                client=client, service=form.cleaned_data["service"], week=form.cleaned_data["week"]
            )
            table = advice_table(advice)
        return render(
            request,
            "network/advisor.html",
            {
                "filterset": {"form": form},
                "advice": advice,
                "table": table,
                "explanation": explanation(),
                "weights": [(LABELS[n], WEIGHTS[n]) for n in FACTORS],
                "is_filtered": asked,
            },
        )


class NetworkMapView(LoginRequiredMixin, View):
    """Providers, the client entities they serve and the designations in force on a world
    map (drawn here as SVG, decorative for screen readers), with the same facts in tables."""

    def get(self, request):
        if not user_scope(request.user).reads_network_map:
            raise PermissionDenied("The network map is for signed-in users.")
        form = MapForm(request.GET or {})
        network = None
        if form.is_valid():
            network = network_map(
                user=request.user, area=form.cleaned_data["area"], on=form.cleaned_data["on"]
            )
        bands = [(name, label) for name, _floor, label in BANDS]
        bands.append((NO_DATA_BAND[0], NO_DATA_BAND[2]))
        if network and network.hides_some:
            bands.append((NOT_SHOWN_BAND[0], NOT_SHOWN_BAND[2]))
        return render(
            request,
            "network/map.html",
            {
                "filterset": {"form": form},
                "network": network,
                "countries": geo.world_countries(),
                "bands": bands,
                "tables": [t(network) for t in (provider_table, client_table, designation_table)]
                if network
                else [],
                "is_today": network is None or network.on == portal_today(),
                "is_filtered": any(request.GET.get(k) for k in ("area", "on")),
            },
        )
