from django.urls import path

from .views import DesignationAdvisorView

app_name = "network-api"
urlpatterns = [
    path("designation-advisor/", DesignationAdvisorView.as_view(), name="designation-advisor"),
]
