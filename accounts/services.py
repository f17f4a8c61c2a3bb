"""Writes about users and their roles."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .choices import Role
from .models import Membership

CATALOGUE_MANAGERS_GROUP = "Catalogue managers"
CURATED_APPS = ("core", "clients", "providers", "catalogue", "accounts", "surveys")


def ensure_catalogue_manager_group() -> Group:
    """The admin group holding every permission on the curated reference data."""
    group, _ = Group.objects.get_or_create(name=CATALOGUE_MANAGERS_GROUP)
    perms = Permission.objects.filter(content_type__app_label__in=CURATED_APPS)
    group.permissions.set(perms)
    return group


@transaction.atomic
def grant_role(*, user, role: str, provider=None, client=None, is_demo: bool = False) -> Membership:
    """Give ``user`` a role (idempotent). Catalogue managers also get the admin site."""
    membership, _ = Membership.objects.get_or_create(
        user=user,
        role=role,
        provider=provider,
        client=client,
        defaults={"is_demo": is_demo},
    )
    membership.full_clean()
    if role == Role.CATALOGUE_MANAGER:
        user.groups.add(ensure_catalogue_manager_group())
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    return membership


def upsert_user(*, username: str, password: str, first_name: str, last_name: str, email: str):
    """Create a user or reset its name and password to the given ones."""
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.set_password(password)
    user.save()
    return user


def notify(*, users, verb: str, title: str, message: str = "", url: str = "") -> int:
    """Tell ``users`` something, in the app and by e-mail (once per user). Returns how many."""
    from django.conf import settings
    from django.core.mail import send_mass_mail

    from .models import Notification

    recipients = {user.pk: user for user in users if user is not None and user.is_active}
    if not recipients:
        return 0
    Notification.objects.bulk_create(
        Notification(user=user, verb=verb, title=title[:200], message=message, url=url)
        for user in recipients.values()
    )
    link = f"\n\n{settings.PORTAL_BASE_URL.rstrip('/')}{url}" if url else ""
    messages = [
        (title, f"{message}{link}", settings.DEFAULT_FROM_EMAIL, [user.email])
        for user in recipients.values()
        if user.email
    ]
    # The in-app notifications are written with the caller's change; the e-mails leave once
    # it commits (at once outside a transaction), never for a change that is rolled back.
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return len(recipients)


def users_with_role(*, role: str, provider=None, client=None):
    """Active users holding ``role`` for an organisation (e.g. a client's focal points)."""
    from django.contrib.auth import get_user_model

    filters = {"memberships__role": role, "is_active": True}
    if provider is not None:
        filters["memberships__provider"] = provider
    if client is not None:
        filters["memberships__client"] = client
    return list(get_user_model().objects.filter(**filters).distinct())
