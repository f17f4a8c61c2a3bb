from rest_framework.routers import SimpleRouter

from .stations import DutyStationViewSet, HolidayViewSet

app_name = "core-api"
router = SimpleRouter()
router.register("duty-stations", DutyStationViewSet, basename="dutystation")
router.register("holidays", HolidayViewSet, basename="holiday")
urlpatterns = router.urls
