from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = "Service level agreements"

    def ready(self):
        from . import inbox

        inbox.register()
