from django.urls import path

from . import views

app_name = "webhooks"
urlpatterns = [
    path("", views.SubscriptionListView.as_view(), name="subscription-list"),
    path("new/", views.SubscriptionCreateView.as_view(), name="subscription-create"),
    path("<int:pk>/edit/", views.SubscriptionEditView.as_view(), name="subscription-edit"),
    path("<int:pk>/delete/", views.SubscriptionDeleteView.as_view(), name="subscription-delete"),
    path("deliveries/", views.DeliveryListView.as_view(), name="delivery-list"),
    path("deliveries/<int:pk>/", views.DeliveryDetailView.as_view(), name="delivery-detail"),
    path(
        "deliveries/<int:pk>/redeliver/",
        views.DeliveryRedeliverView.as_view(),
        name="delivery-redeliver",
    ),
]
