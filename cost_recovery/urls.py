from django.urls import path, re_path

from . import views

app_name = "cost_recovery"
CODE = r"[A-Z0-9][A-Z0-9-]{0,63}"
MONTH = r"[0-9]{4}-(?:0[1-9]|1[0-2])"
STATEMENT = rf"statements/(?P<provider>{CODE})/(?P<client>{CODE})/(?P<period>{MONTH})/"
urlpatterns = [
    path("", views.StatementListView.as_view(), name="statement-list"),
    re_path(rf"^{STATEMENT}$", views.StatementDetailView.as_view(), name="statement-detail"),
    re_path(
        rf"^{STATEMENT}(?P<action>issue|acknowledge|dispute)/$",
        views.StatementActionView.as_view(),
        name="statement-action",
    ),
    path("rates/", views.RateListView.as_view(), name="rate-list"),
    path("rates/new/", views.RateCreateView.as_view(), name="rate-create"),
    path("rates/<int:pk>/edit/", views.RateEditView.as_view(), name="rate-edit"),
    path("volumes/", views.VolumeListView.as_view(), name="volume-list"),
    path("value-for-money/", views.ValueForMoneyView.as_view(), name="value-for-money"),
]
