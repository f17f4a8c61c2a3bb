from django.urls import path

from . import views

app_name = "compliance"
urlpatterns = [
    path("", views.ComplianceListView.as_view(), name="compliance-list"),
    path(
        "providers/<str:code>/", views.ProviderComplianceView.as_view(), name="provider-compliance"
    ),
]
