from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integration tokens"

    def ready(self):
        from . import schema  # noqa: F401  (the token's security scheme in the OpenAPI schema)
