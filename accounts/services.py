"""Writes about users and their roles."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .choices import Role
from .models import Membership

CATALOGUE_MANAGERS_GROUP = "Catalogue managers"
CURATED_APPS = ("core", "clients", "providers", "catalogue", "accounts")


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
