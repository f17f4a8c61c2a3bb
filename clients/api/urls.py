from rest_framework.routers import SimpleRouter

from .views import ClientEntityViewSet

app_name = "clients-api"
router = SimpleRouter()
router.register("client-entities", ClientEntityViewSet, basename="cliententity")
urlpatterns = router.urls
