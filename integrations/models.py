from django.conf import settings
from django.db import models
from django.db.models import Q

from .choices import TokenScope


class IntegrationToken(models.Model):
    """A named token an integration (an ERP, a ticketing system) calls the API with.

    It acts with the rights of the person who created it, narrowed to one organisation
    (a provider or a client entity) and to its scope, until it expires or is revoked.
    Only the SHA-256 digest of the token is kept: the token itself is shown once, when it
    is created. ``prefix`` (the token's first characters) tells tokens apart in lists and
    logs without revealing them.
    """

    name = models.CharField(max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="integration_tokens"
    )
    scope = models.CharField(max_length=16, choices=TokenScope.choices)
    provider = models.ForeignKey(
        "providers.ServiceProvider",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="integration_tokens",
    )
    client = models.ForeignKey(
        "clients.ClientEntity",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="integration_tokens",
    )
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(provider__isnull=False, client__isnull=True)
                | Q(provider__isnull=True, client__isnull=False),
                name="%(app_label)s_%(class)s_one_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def organisation(self):
        return self.provider or self.client

    def is_active(self, now) -> bool:
        return self.revoked_at is None and self.expires_at > now
