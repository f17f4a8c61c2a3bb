from django.urls import path

from . import views

app_name = "network"
urlpatterns = [
    path("advisor/", views.DesignationAdvisorView.as_view(), name="designation-advisor"),
    path("map/", views.NetworkMapView.as_view(), name="network-map"),
]
