from django.urls import path, re_path

from . import views

app_name = "catalogue"
urlpatterns = [
    path("catalogue/", views.ServiceListView.as_view(), name="service-list"),
    path(
        "catalogue/services/<str:code>/", views.ServiceDetailView.as_view(), name="service-detail"
    ),
    path("providers/", views.ServiceProviderListView.as_view(), name="serviceprovider-list"),
    path(
        "providers/<str:code>/",
        views.ServiceProviderDetailView.as_view(),
        name="serviceprovider-detail",
    ),
    path("clients/", views.ClientEntityListView.as_view(), name="cliententity-list"),
    path("clients/<str:code>/", views.ClientEntityDetailView.as_view(), name="cliententity-detail"),
    path("designations/", views.DesignationListView.as_view(), name="designation-list"),
    path(
        "designations/request/",
        views.DesignationRequestView.as_view(),
        name="designation-request",
    ),
    path(
        "designations/<int:pk>/", views.DesignationDetailView.as_view(), name="designation-detail"
    ),
    re_path(
        r"^designations/(?P<pk>[0-9]+)/(?P<action>approve|decline|withdraw|end)/$",
        views.DesignationActionView.as_view(),
        name="designation-action",
    ),
]
