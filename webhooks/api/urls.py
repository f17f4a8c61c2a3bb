from rest_framework.routers import SimpleRouter

from .views import DeliveryViewSet, SubscriptionViewSet

app_name = "webhooks-api"
router = SimpleRouter()
router.register("webhook-subscriptions", SubscriptionViewSet, basename="subscription")
router.register("webhook-deliveries", DeliveryViewSet, basename="delivery")
urlpatterns = router.urls
