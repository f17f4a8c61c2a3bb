from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Compliance"

    def ready(self):
        from . import inbox

        inbox.register()
        from core.sections import register_section

        from . import receivers  # noqa: F401
        from .views import sla_compliance_section

        register_section("sla.detail", sla_compliance_section)
