"""Writes of the survey app: campaigns and answers (campaigns.py), and the satisfaction
compliance computed from the answers (compliance.py)."""

from .campaigns import (
    AnswerInput,
    SurveyPermissionDenied,
    answer_submit,
    answering_client,
    campaign_close,
    campaign_create,
    campaign_open,
    close_due_campaigns,
    invite_new_focal_points,
    reminder_round,
    require_curator,
    send_reminders,
)
from .compliance import satisfaction_totals

__all__ = [
    "AnswerInput",
    "SurveyPermissionDenied",
    "answer_submit",
    "answering_client",
    "campaign_close",
    "campaign_create",
    "campaign_open",
    "close_due_campaigns",
    "invite_new_focal_points",
    "reminder_round",
    "require_curator",
    "satisfaction_totals",
    "send_reminders",
]
