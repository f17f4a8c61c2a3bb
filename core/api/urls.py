from django.urls import path
from rest_framework.routers import SimpleRouter

from .overlap import CalendarOverlapView
from .stations import DutyStationViewSet, HolidayViewSet

app_name = "core-api"
router = SimpleRouter()
router.register("duty-stations", DutyStationViewSet, basename="dutystation")
router.register("holidays", HolidayViewSet, basename="holiday")
urlpatterns = [
    *router.urls,
    path("calendar-overlap/", CalendarOverlapView.as_view(), name="calendar-overlap"),
]
