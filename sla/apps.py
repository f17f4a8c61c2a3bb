from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = "Agreements, records and compliance"

    def ready(self):
        from . import receivers  # noqa: F401
