"""Writes about users and their roles."""

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.exceptions import ApplicationError
from core.zones import is_zone_name

from .choices import Role
from .models import Membership, Notification, Preference

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


@transaction.atomic
def set_time_zone(*, user, name: str) -> Preference:
    """Set the time zone ``user`` reads times in: an IANA name from ``core.zones.zone_names``
    (e.g. ``Africa/Nairobi``), or "" to go back to their organisation's. Anything else is
    refused with a clear message, and nothing is stored."""
    name = (name or "").strip()
    if name and not is_zone_name(name):
        shown = name if len(name) <= 64 else name[:64] + "…"
        raise ApplicationError(
            "The time zone was not changed.",
            {
                "timezone": [
                    f"“{shown}” is not a time zone in the list: choose one by its name, "
                    "e.g. Africa/Nairobi or Asia/Kuwait."
                ]
            },
        )
    preference = Preference.objects.select_for_update().filter(user=user).first()
    if preference is None:
        if not name:  # already the default: nothing to store
            return Preference(user=user, timezone="")
        preference, created = Preference.objects.get_or_create(
            user=user, defaults={"timezone": name}
        )
        if created:
            return preference
    if preference.timezone != name:
        preference.timezone = name
        preference.save(update_fields=["timezone"])
    return preference


@dataclass(frozen=True)
class Notice:
    """Something to tell some users (``notify_all``)."""

    users: Iterable
    verb: str
    title: str
    message: str = ""
    url: str = ""


def notify(*, users, verb: str, title: str, message: str = "", url: str = "") -> int:
    """Tell ``users`` something, in the app and by e-mail (once per user). Returns how many."""
    return notify_all([Notice(users, verb, title, message, url)])


def notify_all(notices: Iterable[Notice]) -> int:
    """Tell each notice's users its news: the in-app notifications in one insert, written
    with the caller's change; the e-mails leave once it commits (at once outside a
    transaction), never for a change that is rolled back, and one a mail server refuses is
    tried again later (``send_notification_emails``). Returns how many were told."""
    rows = []
    for notice in notices:
        recipients = {u.pk: u for u in notice.users if u is not None and u.is_active}
        rows += [
            Notification(
                user=user,
                verb=notice.verb,
                title=notice.title[:200],
                message=notice.message,
                url=notice.url,
                email_pending=bool(user.email),
            )
            for user in recipients.values()
        ]
    if not rows:
        return 0
    notes = Notification.objects.bulk_create(rows, batch_size=EMAIL_BATCH)
    owed = [note.pk for note in notes if note.email_pending]
    if owed:
        transaction.on_commit(lambda: send_notification_emails(ids=owed), robust=True)
    return len(rows)


# A notification's e-mail is tried this many times at most (the first send, then the
# scheduled runs), and no more once this old: news that late is only noise.
EMAIL_MAX_ATTEMPTS = 10
EMAIL_GIVE_UP_AFTER = dt.timedelta(days=2)
# E-mails are sent this many at a time, each batch in a short transaction holding its rows.
EMAIL_BATCH = 500
# A refusal of one message (its address, its content); anything else (the server is away,
# the connection drops) stops the run, and the rest wait for the next one.
MESSAGE_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def send_notification_emails(*, ids=None, older_than: dt.timedelta | None = None) -> int:
    """Send the e-mails still owed: of the notifications ``ids``, or (the scheduled run)
    those made more than ``older_than`` ago. Each is marked sent, or counts one more
    attempt; rows another sender is working on are skipped. Returns how many were sent."""
    now = timezone.now()
    owed = Notification.objects.filter(
        email_pending=True,
        email_attempts__lt=EMAIL_MAX_ATTEMPTS,
        created_at__gte=now - EMAIL_GIVE_UP_AFTER,
    )
    if older_than is not None:
        owed = owed.filter(created_at__lt=now - older_than)
    if ids is None:
        ids = owed.order_by("pk").values_list("pk", flat=True)
    ids = sorted(ids)
    sent = 0
    for first in range(0, len(ids), EMAIL_BATCH):
        batch_sent, server_away = _send_batch(owed.filter(pk__in=ids[first : first + EMAIL_BATCH]))
        sent += batch_sent
        if server_away:
            break
    return sent


def _send_batch(owed) -> tuple[int, bool]:
    """(how many were sent, whether the server stopped answering)."""
    base = settings.PORTAL_BASE_URL.rstrip("/")
    sent, server_away = 0, False
    with transaction.atomic():
        notes = list(
            owed.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .order_by("pk")
        )
        if not notes:
            return 0, False
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
                try:
                    email.send()
                except MESSAGE_REFUSED as exc:  # this one only: the others may go
                    logger.warning("notification %s not e-mailed: %s", note.pk, exc)
                    continue
                note.email_pending, note.emailed_at = False, timezone.now()
                sent += 1
        except Exception as exc:  # the mail server is away: the rest wait for the next run
            logger.warning("%s notification e-mail(s) not sent: %s", len(notes) - sent, exc)
            server_away = True
        finally:
            connection.close()
        Notification.objects.bulk_update(tried, ["email_pending", "emailed_at", "email_attempts"])
    return sent, server_away


def role_holders(
    *, provider_roles=(), provider_ids=(), client_roles=(), client_ids=()
) -> tuple[dict[int, list], dict[int, list]]:
    """Active users holding ``provider_roles`` for each of ``provider_ids`` and
    ``client_roles`` for each of ``client_ids``, in one query: ({provider id: [user]},
    {client id: [user]})."""
    by_provider: dict[int, list] = {}
    by_client: dict[int, list] = {}
    held = Membership.objects.filter(user__is_active=True).filter(
        Q(role__in=list(provider_roles), provider_id__in=list(provider_ids))
        | Q(role__in=list(client_roles), client_id__in=list(client_ids))
    )
    for membership in held.select_related("user").order_by("user_id", "pk"):
        if membership.provider_id is not None:
            by_provider.setdefault(membership.provider_id, []).append(membership.user)
        if membership.client_id is not None:
            by_client.setdefault(membership.client_id, []).append(membership.user)
    return by_provider, by_client


def users_with_role(*, role: str, provider=None, client=None):
    """Active users holding ``role`` for an organisation (e.g. a client's focal points)."""
    filters = {"memberships__role": role, "is_active": True}
    if provider is not None:
        filters["memberships__provider"] = provider
    if client is not None:
        filters["memberships__client"] = client
    return list(get_user_model().objects.filter(**filters).distinct())
