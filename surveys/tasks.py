"""Background work of the survey: closing campaigns past their last day and reminding
those who have not answered. Idempotent: a rerun closes and reminds nobody twice."""

from celery import shared_task

from .services import close_due_campaigns, send_reminders


@shared_task(name="surveys.housekeeping")
def survey_housekeeping() -> dict:
    """Hourly (beat): close the campaigns whose last day has passed, then send the
    reminder round due today to each invited person who has not answered."""
    return {"closed": close_due_campaigns(), "reminded": send_reminders()}
