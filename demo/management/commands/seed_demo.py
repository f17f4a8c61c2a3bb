import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils import timezone

from accounts.choices import Role
from accounts.services import grant_role, upsert_user
from clients.models import ClientEntity
from demo.activity import seed_demo_activity
from demo.capacities import seed_demo_capacities
from demo.cost_recovery import seed_demo_cost_recovery
from demo.designations import seed_demo_designations
from demo.survey import seed_demo_survey
from integrations.choices import TokenScope
from integrations.selectors import token_queryset
from integrations.services import token_create, token_revoke
from providers.models import ServiceProvider

# Note: a published demo password by design; demo users are labelled everywhere.
DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105

# (username, role, organisation kind, organisation code, label)
DEMO_USERS = (
    ("demo-client-unep", Role.CLIENT_FOCAL_POINT, "client", "UNEP", "Client focal point, UNEP"),
    ("demo-client-unama", Role.CLIENT_FOCAL_POINT, "client", "UNAMA", "Client focal point, UNAMA"),
    ("demo-staff-unon", Role.PROVIDER_STAFF, "provider", "UNON", "Provider staff, UNON"),
    ("demo-staff-kjso", Role.PROVIDER_STAFF, "provider", "KJSO", "Provider staff, KJSO"),
    ("demo-manager-unon", Role.PROVIDER_MANAGER, "provider", "UNON", "Provider manager, UNON"),
    ("demo-manager-kjso", Role.PROVIDER_MANAGER, "provider", "KJSO", "Provider manager, KJSO"),
    ("demo-integration-unon", Role.INTEGRATION, "provider", "UNON", "Integration, UNON ERP"),
    ("demo-catalogue", Role.CATALOGUE_MANAGER, None, None, "Catalogue manager"),
    ("demo-management", Role.MANAGEMENT, None, None, "Management"),
)


class Command(BaseCommand):
    help = (
        "Add demo users for every role, demo service records, SLAs and their compliance, "
        "a survey, demo rates and an issued statement, illustrative support capacities, "
        "designation requests (all labelled demo). Safe to run again."
    )

    def handle(self, *args, **options):
        rows = []
        for username, role, kind, code, label in DEMO_USERS:
            provider = client = None
            try:
                if kind == "provider":
                    provider = ServiceProvider.objects.get(code=code)
                elif kind == "client":
                    client = ClientEntity.objects.get(code=code)
            except (ServiceProvider.DoesNotExist, ClientEntity.DoesNotExist) as exc:
                raise CommandError(f"{code} is missing: run load_reference first.") from exc
            user = upsert_user(
                username=username,
                password=DEMO_PASSWORD,
                first_name="Demo",
                last_name=label,
                email=f"{username}@demo.invalid",
            )
            grant_role(user=user, role=role, provider=provider, client=client, is_demo=True)
            rows.append(f"  {label:28} {username:24} {DEMO_PASSWORD}")
        # The demo's notifications are kept in the app; their e-mails are not printed by the
        # console back-end (they would bury the logins below).
        quiet = settings.EMAIL_BACKEND.endswith("console.EmailBackend")
        backend = "django.core.mail.backends.locmem.EmailBackend" if quiet else None
        with override_settings(EMAIL_BACKEND=backend or settings.EMAIL_BACKEND):
            summary = seed_demo_activity()
            summary += " " + seed_demo_survey(password=DEMO_PASSWORD)
            summary += " " + seed_demo_cost_recovery()
            summary += " " + seed_demo_capacities()
            summary += " " + seed_demo_designations()
        self.stdout.write(f"Demo activity: {summary}")
        if quiet:
            self.stdout.write(
                "The demo's notifications are in the app (Notifications); their e-mails "
                "were not printed."
            )
        self.stdout.write("")
        self.stdout.write("=" * 72)
        self.stdout.write("Demo logins (demo data, not real accounts):")
        self.stdout.write("\n".join(rows))
        self.stdout.write(f"Demo integration token (UNON records): {_demo_token()}")
        self.stdout.write("=" * 72)


DEMO_TOKEN_NAME = "UNON ERP (demo)"  # noqa: S105 (a name, not a secret)


def _demo_token() -> str:
    """A new records-write token for UNON, made by its demo provider manager; the one an
    earlier run made is revoked (only a digest is kept, so it cannot be shown again)."""
    manager = get_user_model().objects.get(username="demo-manager-unon")
    for old in token_queryset(user=manager).filter(name=DEMO_TOKEN_NAME, revoked_at=None):
        token_revoke(token=old, user=manager)
    _token, clear = token_create(
        user=manager,
        name=DEMO_TOKEN_NAME,
        scope=TokenScope.RECORDS_WRITE,
        provider=ServiceProvider.objects.get(code="UNON"),
        expires_at=timezone.now() + dt.timedelta(days=90),
    )
    return clear
