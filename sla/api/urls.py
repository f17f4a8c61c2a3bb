from rest_framework.routers import SimpleRouter

from .agreements import SlaViewSet
from .views import RecordImportViewSet, ServiceRecordViewSet

app_name = "sla-api"
router = SimpleRouter()
router.register("service-records", ServiceRecordViewSet, basename="servicerecord")
router.register("record-imports", RecordImportViewSet, basename="recordimport")
router.register("slas", SlaViewSet, basename="sla")
urlpatterns = router.urls
