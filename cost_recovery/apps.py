from django.apps import AppConfig


class CostRecoveryConfig(AppConfig):
    name = "cost_recovery"
    verbose_name = "Cost recovery"

    def ready(self):
        from catalogue.reference import register_reference_loader
        from core.sections import register_section

        from . import receivers  # noqa: F401
        from .services import load_reference_rates
        from .views import sla_volumes_section

        register_reference_loader(load_reference_rates)
        register_section("sla.detail", sla_volumes_section)
