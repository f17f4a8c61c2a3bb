"""Notifications are written with the change that makes them; their e-mail copies leave once
it commits, and those a mail server refuses stay owed until the scheduled run sends them."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from accounts import services
from accounts.models import Notification
from accounts.services import EMAIL_MAX_ATTEMPTS, notify
from accounts.tasks import send_pending_emails
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    """A mail server that is away."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class OneAddressRefusedBackend(locmem.EmailBackend):
    """A mail server that takes every message but those to one address."""

    def send_messages(self, messages):
        for message in messages:
            if "gone@un.example" in message.to:
                raise smtplib.SMTPRecipientsRefused({"gone@un.example": (550, b"No such user")})
        return super().send_messages(messages)


def tell(users, commits):
    mail.outbox.clear()
    with commits(execute=True):
        return notify(users=users, verb="test.news", title="News", message="Read.", url="/x/")


def age(minutes: int) -> None:
    Notification.objects.update(created_at=timezone.now() - dt.timedelta(minutes=minutes))


def test_the_e_mail_leaves_on_commit_and_is_marked_sent(django_capture_on_commit_callbacks):
    user = UserFactory(email="a@un.example")
    assert tell([user], django_capture_on_commit_callbacks) == 1
    (message,) = mail.outbox
    assert (message.to, message.subject) == (["a@un.example"], "News")
    assert message.body.startswith("Read.") and message.body.endswith("/x/")
    note = Notification.objects.get()
    assert (note.email_pending, note.email_attempts) == (False, 1) and note.emailed_at
    assert send_pending_emails() == 0  # nothing owed: never sent twice


def test_a_user_without_an_address_owes_no_e_mail(django_capture_on_commit_callbacks):
    tell([UserFactory(email="")], django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert not Notification.objects.get().email_pending


def test_a_refused_e_mail_stays_owed_until_the_scheduled_run_sends_it(
    settings, django_capture_on_commit_callbacks
):
    users = [UserFactory(email="a@un.example"), UserFactory(email="b@un.example")]
    settings.EMAIL_BACKEND = "tests.accounts.test_notification_emails.RefusingBackend"
    assert tell(users, django_capture_on_commit_callbacks) == 2  # the change is not refused
    assert Notification.objects.filter(email_pending=True).count() == 2
    # The first was tried; the server being away, the second waits untried.
    assert sorted(Notification.objects.values_list("email_attempts", flat=True)) == [0, 1]

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_pending_emails() == 0  # too recent: the change's own send may be on its way
    age(minutes=3)
    assert send_pending_emails() == 2
    assert sorted(to for m in mail.outbox for to in m.to) == ["a@un.example", "b@un.example"]
    assert send_pending_emails() == 0
    assert len(mail.outbox) == 2
    assert not Notification.objects.filter(email_pending=True).exists()


def test_an_e_mail_is_given_up_after_its_attempts_or_two_days(django_capture_on_commit_callbacks):
    users = [UserFactory(email="a@un.example"), UserFactory(email="b@un.example")]
    with django_capture_on_commit_callbacks():  # made, never sent
        notify(users=users, verb="test.news", title="News")
    first, second = Notification.objects.order_by("pk")
    Notification.objects.filter(pk=first.pk).update(email_attempts=EMAIL_MAX_ATTEMPTS)
    Notification.objects.filter(pk=second.pk).update(
        created_at=timezone.now() - dt.timedelta(days=2, minutes=1)
    )
    mail.outbox.clear()
    assert send_pending_emails() == 0
    assert mail.outbox == []


def test_the_scheduled_run_is_in_the_beat_schedule(settings):
    schedule = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["accounts.send_pending_emails"]["schedule"] == 300.0


def test_one_refused_address_does_not_hold_back_the_others(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.accounts.test_notification_emails.OneAddressRefusedBackend"
    users = [UserFactory(email=e) for e in ("a@un.example", "gone@un.example", "b@un.example")]
    tell(users, django_capture_on_commit_callbacks)
    assert sorted(to for m in mail.outbox for to in m.to) == ["a@un.example", "b@un.example"]
    refused = Notification.objects.get(email_pending=True)
    assert (refused.user.email, refused.email_attempts) == ("gone@un.example", 1)


def test_many_e_mails_leave_in_batches(monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "EMAIL_BATCH", 2)
    users = [UserFactory(email=f"p{n}@un.example") for n in range(5)]
    assert tell(users, django_capture_on_commit_callbacks) == 5
    assert len(mail.outbox) == 5
    assert not Notification.objects.filter(email_pending=True).exists()
