"""Background work on users: the e-mail copies of notifications."""

import datetime as dt

from celery import shared_task

from .services import send_notification_emails

# An e-mail not sent this long after its notification is tried again (sooner, it may
# still be on its way from the change that made it).
EMAIL_RETRY_AFTER = dt.timedelta(minutes=2)


@shared_task(name="accounts.send_pending_emails")
def send_pending_emails() -> int:
    """Every five minutes (beat): send the notification e-mails a mail server refused."""
    return send_notification_emails(older_than=EMAIL_RETRY_AFTER)
