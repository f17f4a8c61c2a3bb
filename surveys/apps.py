from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Client satisfaction survey"

    def ready(self):
        from . import inbox

        inbox.register()
        from catalogue.choices import MeasureKind
        from compliance.engine import register_counter

        from .services.compliance import satisfaction_totals

        register_counter(MeasureKind.SATISFACTION, satisfaction_totals)
