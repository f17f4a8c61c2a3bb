from rest_framework.routers import SimpleRouter

from .views import IntegrationTokenViewSet

app_name = "integrations-api"
router = SimpleRouter()
router.register("integration-tokens", IntegrationTokenViewSet, basename="integrationtoken")
urlpatterns = router.urls
