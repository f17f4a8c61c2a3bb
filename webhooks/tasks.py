"""Background work of webhooks: one task per attempt of a delivery, and a sweep that sends
again the attempts whose task was lost.

A task takes plain ids and calls the service; it is idempotent: an attempt is claimed
before it is made, so a task delivered twice (acks late, a killed worker) or sent again by
the sweep makes it once. The next attempt is a new task, sent with a countdown (the
back-off), so no worker waits.
"""

from celery import shared_task

from core.tasks import send_on_commit

from .services import deliveries_due, delivery_attempt


@shared_task(name="webhooks.deliver")
def deliver_webhook(delivery_id: int, attempt: int = 1) -> str:
    result = delivery_attempt(delivery_id=delivery_id, attempt=attempt)
    if result.retry_in is not None:
        deliver_webhook.apply_async((delivery_id, attempt + 1), countdown=result.retry_in)
    return result.status


@shared_task(name="webhooks.deliver_due")
def deliver_due_webhooks() -> int:
    """Every minute (beat): send again the attempts overdue (lost tasks, broker away)."""
    due = deliveries_due()
    for delivery_id, attempt in due:
        deliver_webhook.delay(delivery_id, attempt)
    return len(due)


def send_deliveries(delivery_ids) -> None:
    """Send the first attempt of each delivery once the transaction commits; with the
    broker away they wait for the sweep (their next attempt is due now)."""
    for delivery_id in delivery_ids:
        send_on_commit(deliver_webhook, delivery_id, 1)
