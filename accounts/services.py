"""Writes about users and their roles."""

import datetime as dt
import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .choices import Role
from .models import Membership

logger = logging.getLogger(__name__)

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
    """Tell ``users`` something, in the app and by e-mail (once per user). Returns how many.

    The in-app notifications are written with the caller's change; the e-mails leave once
    it commits (at once outside a transaction), never for a change that is rolled back,
    and one that cannot be sent then is tried again later (``send_pending_emails``)."""
    from .models import Notification

    recipients = {user.pk: user for user in users if user is not None and user.is_active}
    if not recipients:
        return 0
    notes = Notification.objects.bulk_create(
        Notification(
            user=user,
            verb=verb,
            title=title[:200],
            message=message,
            url=url,
            email_pending=bool(user.email),
        )
        for user in recipients.values()
    )
    owed = [note.pk for note in notes if note.email_pending]
    if owed:
        transaction.on_commit(lambda: send_notification_emails(ids=owed), robust=True)
    return len(recipients)


# A notification's e-mail is tried this many times at most (the first send, then the
# scheduled runs), and no more once this old: news that late is only noise.
EMAIL_MAX_ATTEMPTS = 10
EMAIL_GIVE_UP_AFTER = dt.timedelta(days=2)


def send_notification_emails(*, ids=None, older_than: dt.timedelta | None = None) -> int:
    """Send the e-mails still owed: of the notifications ``ids``, or (the scheduled run)
    those made more than ``older_than`` ago. Each is marked sent, or counts one more
    attempt; rows another sender is working on are skipped. Returns how many were sent."""
    from django.conf import settings
    from django.core.mail import EmailMessage, get_connection
    from django.utils import timezone

    from .models import Notification

    now = timezone.now()
    owed = Notification.objects.filter(
        email_pending=True,
        email_attempts__lt=EMAIL_MAX_ATTEMPTS,
        created_at__gte=now - EMAIL_GIVE_UP_AFTER,
    )
    if ids is not None:
        owed = owed.filter(pk__in=list(ids))
    if older_than is not None:
        owed = owed.filter(created_at__lt=now - older_than)
    base = settings.PORTAL_BASE_URL.rstrip("/")
    sent = 0
    with transaction.atomic():
        notes = list(
            owed.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .order_by("pk")
        )
        if not notes:
            return 0
        connection = get_connection(fail_silently=False)
        tried = []
        try:
            for note in notes:
                link = f"\n\n{base}{note.url}" if note.url else ""
                email = EmailMessage(
                    note.title,
                    f"{note.message}{link}",
                    settings.DEFAULT_FROM_EMAIL,
                    [note.user.email],
                    connection=connection,
                )
                note.email_attempts += 1
                tried.append(note)
                email.send()
                note.email_pending, note.emailed_at = False, timezone.now()
                sent += 1
        except Exception as exc:  # the mail server refuses or is away: the rest wait too
            logger.warning("%s notification e-mail(s) not sent: %s", len(notes) - sent, exc)
        finally:
            connection.close()
        Notification.objects.bulk_update(tried, ["email_pending", "emailed_at", "email_attempts"])
    return sent


def users_with_role(*, role: str, provider=None, client=None):
    """Active users holding ``role`` for an organisation (e.g. a client's focal points)."""
    from django.contrib.auth import get_user_model

    filters = {"memberships__role": role, "is_active": True}
    if provider is not None:
        filters["memberships__provider"] = provider
    if client is not None:
        filters["memberships__client"] = client
    return list(get_user_model().objects.filter(**filters).distinct())
