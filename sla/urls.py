from django.urls import path, re_path

from . import agreement_views, views

app_name = "sla"
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
    path("compliance/", views.ComplianceListView.as_view(), name="compliance-list"),
    path(
        "compliance/providers/<str:code>/",
        views.ProviderComplianceView.as_view(),
        name="provider-compliance",
    ),
    path("slas/", agreement_views.SlaListView.as_view(), name="sla-list"),
    path("slas/new/", agreement_views.SlaCreateView.as_view(), name="sla-create"),
    path("slas/<int:pk>/", agreement_views.SlaDetailView.as_view(), name="sla-detail"),
    path("slas/<int:pk>/edit/", agreement_views.SlaEditView.as_view(), name="sla-edit"),
    path(
        "slas/<int:pk>/agreement/",
        agreement_views.SlaAgreementView.as_view(),
        name="sla-agreement",
    ),
    path(
        "slas/<int:pk>/compare/<int:other>/",
        agreement_views.SlaCompareView.as_view(),
        name="sla-compare",
    ),
    re_path(
        r"^slas/(?P<pk>[0-9]+)/(?P<action>submit|approve|return|terminate|amend)/$",
        agreement_views.SlaActionView.as_view(),
        name="sla-action",
    ),
]
