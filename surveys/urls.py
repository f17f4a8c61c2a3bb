from django.urls import path, re_path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.CampaignListView.as_view(), name="campaign-list"),
    path("results/", views.ResultsView.as_view(), name="results"),
    path("new/", views.CampaignCreateView.as_view(), name="campaign-create"),
    path("<int:pk>/", views.CampaignDetailView.as_view(), name="campaign-detail"),
    path(
        "<int:pk>/answer/<int:offering>/",
        views.AnswerView.as_view(),
        name="answer",
    ),
    re_path(
        r"^(?P<pk>[0-9]+)/(?P<action>open|close)/$",
        views.CampaignActionView.as_view(),
        name="campaign-action",
    ),
]
