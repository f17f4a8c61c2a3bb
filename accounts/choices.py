from django.db import models


class Role(models.TextChoices):
    """Roles of DOMAIN §1. Client and provider roles are tied to one organisation."""

    CLIENT_FOCAL_POINT = "client_focal_point", "Client focal point"
    PROVIDER_STAFF = "provider_staff", "Provider staff"
    PROVIDER_MANAGER = "provider_manager", "Provider manager"
    INTEGRATION = "integration", "Integration (API token)"
    CATALOGUE_MANAGER = "catalogue_manager", "Catalogue manager"
    MANAGEMENT = "management", "Management"


CLIENT_ROLES = frozenset({Role.CLIENT_FOCAL_POINT})
PROVIDER_ROLES = frozenset({Role.PROVIDER_STAFF, Role.PROVIDER_MANAGER, Role.INTEGRATION})
GLOBAL_ROLES = frozenset({Role.CATALOGUE_MANAGER, Role.MANAGEMENT})
