from rest_framework.routers import SimpleRouter

from .views import AnswerViewSet, CampaignViewSet, ResultViewSet

app_name = "surveys-api"
router = SimpleRouter()
router.register("survey-campaigns", CampaignViewSet, basename="campaign")
router.register("survey-answers", AnswerViewSet, basename="answer")
router.register("survey-results", ResultViewSet, basename="result")
urlpatterns = router.urls
