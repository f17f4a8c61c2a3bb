from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("account/time-zone/", views.TimeZoneView.as_view(), name="time-zone"),
    path("notifications/", views.NotificationListView.as_view(), name="notification-list"),
    path(
        "notifications/read/",
        views.NotificationMarkAllReadView.as_view(),
        name="notification-mark-all-read",
    ),
    path(
        "notifications/<int:pk>/read/",
        views.NotificationMarkReadView.as_view(),
        name="notification-read",
    ),
]
