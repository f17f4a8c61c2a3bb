from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = "Support network"

    def ready(self):
        from catalogue.reference import register_reference_loader

        from .reference import load_station_locations

        register_reference_loader(load_station_locations)
