from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "Service records and imports"

    def ready(self):
        from . import inbox

        inbox.register()
        from . import receivers  # noqa: F401
