from rest_framework.routers import SimpleRouter

from .views import ServiceProviderViewSet

app_name = "providers-api"
router = SimpleRouter()
router.register("providers", ServiceProviderViewSet, basename="serviceprovider")
urlpatterns = router.urls
