from django.urls import path, re_path

from . import views

app_name = "sla"
urlpatterns = [
    path("", views.SlaListView.as_view(), name="sla-list"),
    path("new/", views.SlaCreateView.as_view(), name="sla-create"),
    path("<int:pk>/", views.SlaDetailView.as_view(), name="sla-detail"),
    path("<int:pk>/edit/", views.SlaEditView.as_view(), name="sla-edit"),
    path("<int:pk>/sign/", views.SlaSignView.as_view(), name="sla-sign"),
    path("<int:pk>/agreement/", views.SlaAgreementView.as_view(), name="sla-agreement"),
    path("<int:pk>/compare/<int:other>/", views.SlaCompareView.as_view(), name="sla-compare"),
    re_path(
        r"^(?P<pk>[0-9]+)/(?P<action>submit|approve|return|terminate|amend)/$",
        views.SlaActionView.as_view(),
        name="sla-action",
    ),
]
