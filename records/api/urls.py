from rest_framework.routers import SimpleRouter

from .views import RecordImportViewSet, ServiceRecordViewSet

app_name = "records-api"
router = SimpleRouter()
router.register("service-records", ServiceRecordViewSet, basename="servicerecord")
router.register("record-imports", RecordImportViewSet, basename="recordimport")
urlpatterns = router.urls
