from django.urls import path

from . import views

app_name = "clients"
urlpatterns = [
    path("", views.ClientEntityListView.as_view(), name="cliententity-list"),
    path("<str:code>/", views.ClientEntityDetailView.as_view(), name="cliententity-detail"),
]
