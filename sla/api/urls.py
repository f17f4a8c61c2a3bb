from rest_framework.routers import SimpleRouter

from .views import SlaViewSet

app_name = "sla-api"
router = SimpleRouter()
router.register("slas", SlaViewSet, basename="sla")
urlpatterns = router.urls
