from django.urls import path, re_path

from . import views

app_name = "capacities"
urlpatterns = [
    path("", views.CapacityListView.as_view(), name="capacity-list"),
    path("new/", views.CapacityCreateView.as_view(), name="capacity-create"),
    path("<int:pk>/", views.CapacityDetailView.as_view(), name="capacity-detail"),
    path("<int:pk>/edit/", views.CapacityEditView.as_view(), name="capacity-edit"),
    path("<int:pk>/delete/", views.CapacityDeleteView.as_view(), name="capacity-delete"),
    re_path(
        r"^duplication/(?P<analysis>local-sharing|consolidation|hardship)/$",
        views.DuplicationView.as_view(),
        name="duplication",
    ),
]
