from django.urls import path

from . import views

app_name = "records"
urlpatterns = [
    path("records/", views.ServiceRecordListView.as_view(), name="servicerecord-list"),
    path("records/<int:pk>/", views.ServiceRecordDetailView.as_view(), name="servicerecord-detail"),
    path("imports/", views.RecordImportListView.as_view(), name="recordimport-list"),
    path("imports/new/", views.RecordImportCreateView.as_view(), name="recordimport-create"),
    path("imports/<int:pk>/", views.RecordImportDetailView.as_view(), name="recordimport-detail"),
    path(
        "imports/<int:pk>/confirm/",
        views.RecordImportConfirmView.as_view(),
        name="recordimport-confirm",
    ),
]
