from django.urls import path

from . import views

app_name = "providers"
urlpatterns = [
    path("", views.ServiceProviderListView.as_view(), name="serviceprovider-list"),
    path("<str:code>/", views.ServiceProviderDetailView.as_view(), name="serviceprovider-detail"),
]
