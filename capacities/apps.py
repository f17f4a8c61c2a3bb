from django.apps import AppConfig


class CapacitiesConfig(AppConfig):
    name = "capacities"
    verbose_name = "Support capacities"

    def ready(self):
        from catalogue.reference import register_reference_loader

        from .reference import load_hardship_classes

        register_reference_loader(load_hardship_classes)
