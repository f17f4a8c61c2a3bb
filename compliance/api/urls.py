from rest_framework.routers import SimpleRouter

from .views import ComplianceResultViewSet

app_name = "compliance-api"
router = SimpleRouter()
router.register("compliance", ComplianceResultViewSet, basename="complianceresult")
urlpatterns = router.urls
