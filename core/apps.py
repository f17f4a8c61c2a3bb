from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Duty stations and calendars"

    def ready(self):
        from . import audit

        audit.connect()
