"""The integration token in the OpenAPI schema, so that generated clients send it."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class IntegrationTokenScheme(OpenApiAuthenticationExtension):
    target_class = "integrations.authentication.IntegrationTokenAuthentication"
    name = "integrationToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An integration token (sp_…), created on the portal's "
            "Integration tokens page or at /api/v1/integration-tokens/.",
        }
