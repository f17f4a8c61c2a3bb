from rest_framework.routers import SimpleRouter

from .agreements import SlaViewSet
from .compliance import ComplianceResultViewSet
from .views import RecordImportViewSet, ServiceRecordViewSet

app_name = "sla-api"
router = SimpleRouter()
router.register("service-records", ServiceRecordViewSet, basename="servicerecord")
router.register("record-imports", RecordImportViewSet, basename="recordimport")
router.register("slas", SlaViewSet, basename="sla")
router.register("compliance", ComplianceResultViewSet, basename="complianceresult")
urlpatterns = router.urls
