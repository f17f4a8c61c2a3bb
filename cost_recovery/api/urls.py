from rest_framework.routers import SimpleRouter

from .views import RateViewSet, StatementViewSet

app_name = "cost_recovery-api"
router = SimpleRouter()
router.register("rates", RateViewSet, basename="rate")
router.register("statements", StatementViewSet, basename="statement")
urlpatterns = router.urls
