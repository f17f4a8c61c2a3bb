from rest_framework.routers import SimpleRouter

from .views import AuditEntryViewSet

app_name = "audit-api"
router = SimpleRouter()
router.register("audit", AuditEntryViewSet, basename="auditentry")
urlpatterns = router.urls
