"""Background work of the survey: closing campaigns past their last day, inviting focal
points who joined late, reminding those who have not answered. Idempotent: a rerun
closes, invites and reminds nobody twice."""

from celery import shared_task

from .services import close_due_campaigns, invite_new_focal_points, send_reminders


@shared_task(name="surveys.housekeeping")
def survey_housekeeping() -> dict:
    """Hourly (beat): close the campaigns whose last day has passed, invite focal points
    who joined an invited entity since, then send the reminder round due today to each
    invited person who has not answered."""
    return {
        "closed": close_due_campaigns(),
        "invited": invite_new_focal_points(),
        "reminded": send_reminders(),
    }
