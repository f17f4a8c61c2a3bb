from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.ManagementDashboardView.as_view(), name="management"),
    path("providers/<str:code>/", views.ProviderDashboardView.as_view(), name="provider"),
    path("clients/<str:code>/", views.ClientDashboardView.as_view(), name="client"),
    path("review/", views.ReviewPackView.as_view(), name="review"),
]
