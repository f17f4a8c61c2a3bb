from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import ConsolidationView, HardshipView, LocalSharingView, SupportCapacityViewSet

app_name = "capacities-api"
router = SimpleRouter()
router.register("support-capacities", SupportCapacityViewSet, basename="supportcapacity")
urlpatterns = [
    *router.urls,
    path(
        "duplication/local-sharing/", LocalSharingView.as_view(), name="duplication-local-sharing"
    ),
    path(
        "duplication/consolidation/", ConsolidationView.as_view(), name="duplication-consolidation"
    ),
    path("duplication/hardship/", HardshipView.as_view(), name="duplication-hardship"),
]
