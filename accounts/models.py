from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.models import validate_timezone

from .choices import CLIENT_ROLES, GLOBAL_ROLES, PROVIDER_ROLES, Role

# Sorted so that the generated constraint (and its migration) is stable.
_CLIENT, _PROVIDER, _GLOBAL = sorted(CLIENT_ROLES), sorted(PROVIDER_ROLES), sorted(GLOBAL_ROLES)


class Membership(models.Model):
    """Ties a user to the organisation they act for, with a role.

    Client roles name a client entity, provider roles a service provider; the
    global roles (catalogue manager, management) name neither. A user may hold
    several memberships (e.g. staff of one provider and manager of another).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    provider = models.ForeignKey(
        "providers.ServiceProvider",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    client = models.ForeignKey(
        "clients.ClientEntity",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    is_demo = models.BooleanField(
        default=False, help_text="Created by seed_demo; shown with a demo label everywhere."
    )

    class Meta:
        ordering = ["user__username", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "provider"],
                condition=Q(provider__isnull=False),
                name="%(app_label)s_%(class)s_unique_provider_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "client"],
                condition=Q(client__isnull=False),
                name="%(app_label)s_%(class)s_unique_client_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(provider__isnull=True, client__isnull=True),
                name="%(app_label)s_%(class)s_unique_global_role",
            ),
            models.CheckConstraint(
                condition=(
                    Q(role__in=_CLIENT, client__isnull=False, provider__isnull=True)
                    | Q(role__in=_PROVIDER, provider__isnull=False, client__isnull=True)
                    | Q(role__in=_GLOBAL, provider__isnull=True, client__isnull=True)
                ),
                name="%(app_label)s_%(class)s_organisation_matches_role",
            ),
        ]

    def __str__(self) -> str:
        org = self.provider or self.client
        return f"{self.user} – {self.get_role_display()}" + (f" ({org.code})" if org else "")

    def clean(self):
        if self.role in CLIENT_ROLES and (not self.client_id or self.provider_id):
            raise ValidationError(
                {"client": "A client role needs a client entity and no provider."}
            )
        if self.role in PROVIDER_ROLES and (not self.provider_id or self.client_id):
            raise ValidationError({"provider": "A provider role needs a provider and no client."})
        if self.role in GLOBAL_ROLES and (self.provider_id or self.client_id):
            raise ValidationError({"role": "A global role is not tied to an organisation."})


class Notification(models.Model):
    """An in-app notification (also sent by e-mail): an SLA submitted, approved, returned,
    terminated or about to expire, a breach..."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    verb = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    message = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # The e-mail copy: owed (the user has an address) until sent; a failed send is tried
    # again by the scheduled ``accounts.send_pending_emails`` run.
    email_pending = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(
                fields=["created_at"],
                condition=models.Q(email_pending=True),
                name="accounts_notification_mail_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.title}"


class Preference(models.Model):
    """How a user reads the portal: the time zone pages show times in.

    An empty ``timezone`` means the default: the duty-station zone of the user's
    organisation (``accounts.selectors.viewer_zone``). Set through
    ``accounts.services.set_time_zone``, which accepts only the zones of
    ``core.zones.zone_names``.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference"
    )
    timezone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_timezone],
        help_text="An IANA time zone, e.g. Africa/Nairobi; empty: the duty-station zone of "
        "the user's organisation.",
    )

    def __str__(self) -> str:
        return f"{self.user}: {self.timezone or 'organisation default'}"
