from django.urls import path

from . import views

app_name = "integrations"
urlpatterns = [
    path("", views.TokenListView.as_view(), name="token-list"),
    path("new/", views.TokenCreateView.as_view(), name="token-create"),
    path("<int:pk>/revoke/", views.TokenRevokeView.as_view(), name="token-revoke"),
]
