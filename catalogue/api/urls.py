from rest_framework.routers import SimpleRouter

from . import views

app_name = "catalogue-api"
router = SimpleRouter()
router.register("areas", views.FunctionalAreaViewSet, basename="functionalarea")
router.register("services", views.ServiceViewSet, basename="service")
router.register("offerings", views.OfferingViewSet, basename="offering")
router.register("standards", views.MinimumServiceStandardViewSet, basename="minimumservicestandard")
router.register("designations", views.DesignationViewSet, basename="designation")
urlpatterns = router.urls
