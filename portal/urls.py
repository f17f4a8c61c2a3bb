from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from dashboards.views import HomeView

api_v1 = [
    path("", include("core.api.urls")),
    path("", include("providers.api.urls")),
    path("", include("clients.api.urls")),
    path("", include("catalogue.api.urls")),
    path("", include("records.api.urls")),
    path("", include("sla.api.urls")),
    path("", include("compliance.api.urls")),
    path("", include("surveys.api.urls")),
    path("", include("cost_recovery.api.urls")),
    path("", include("capacities.api.urls")),
    path("", include("webhooks.api.urls")),
    path("", include("audit.api.urls")),
    path("", include("integrations.api.urls")),
    path("", include("network.api.urls")),
]

# The admin speaks as the portal (templates/admin/base_site.html gives it the portal's look).
admin.site.site_header = "Service catalogue & SLA portal: curation"
admin.site.site_title = "Curation · UN Secretariat service portal"
admin.site.index_title = "What catalogue managers curate"
admin.site.site_url = "/"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("catalogue.urls")),
    path("", include("records.urls")),
    path("slas/", include("sla.urls")),
    path("compliance/", include("compliance.urls")),
    path("surveys/", include("surveys.urls")),
    path("cost-recovery/", include("cost_recovery.urls")),
    path("capacities/", include("capacities.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("", include("accounts.urls")),
    path("audit/", include("audit.urls")),
    path("integration-tokens/", include("integrations.urls")),
    path("network/", include("network.urls")),
    path("admin/", admin.site.urls),
    # Probes and metrics (no sign-in; /metrics for its token or networks only).
    path("", include("ops.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, so the CSP needs no inline script.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api_docs.html"),
        name="api-docs",
    ),
]

handler404 = "core.views.not_found"
handler500 = "core.views.server_error"
