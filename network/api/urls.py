from django.urls import path

from .views import DesignationAdvisorView, NetworkMapView

app_name = "network-api"
urlpatterns = [
    path("designation-advisor/", DesignationAdvisorView.as_view(), name="designation-advisor"),
    path("network-map/", NetworkMapView.as_view(), name="network-map"),
]
