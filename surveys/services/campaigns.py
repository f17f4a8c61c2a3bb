"""Writes of the survey: campaigns (create, open, remind, close) and answers.

Every rule is here; pages, API, admin actions and tasks only call these functions.
"""

import datetime as dt
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from accounts.selectors import user_scope
from accounts.services import notify, users_with_role
from catalogue.models import Offering
from core.audit import audit_action
from core.exceptions import ApplicationError
from core.zones import portal_today

from ..choices import SCORE_FIELDS, CampaignStatus
from ..models import Answer, Campaign, Invitation, SurveyTemplate

COMMENT_MAX = 2000


class SurveyPermissionDenied(ApplicationError):
    """An action the user's role does not allow (HTTP 403)."""

    status_code = 403


def require_curator(user) -> None:
    """Refuse (403) anyone but a catalogue manager: only they run campaigns."""
    if not user_scope(user).runs_survey_campaigns:
        raise SurveyPermissionDenied("Only catalogue managers run survey campaigns.")


def _mark_months(pairs) -> None:
    """Ask the compliance engine to recompute these (provider, month) pairs."""
    from records.services import mark_pending

    mark_pending(pairs)


def current_template() -> SurveyTemplate:
    """The latest version of the common survey; version 1 (the default wording) is made
    the first time one is needed."""
    template = SurveyTemplate.objects.order_by("-version").first()
    if template is None:
        template, _ = SurveyTemplate.objects.get_or_create(
            version=1, defaults={"title": "Common client satisfaction survey"}
        )
    return template


# --- campaigns --------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    user,
    name: str,
    opens_on: dt.date,
    closes_on: dt.date,
    offerings: list[Offering],
    clients: list,
    template: SurveyTemplate | None = None,
    reminder_every_days: int = 7,
    is_demo: bool = False,
) -> Campaign:
    """A draft campaign over the current template (or the one given)."""
    require_curator(user)
    errors = {}
    if not offerings:
        errors["offerings"] = ["Choose at least one provider service to ask about."]
    if not clients:
        errors["clients"] = ["Invite at least one client entity."]
    template = template or current_template()
    if errors:
        raise ApplicationError("The campaign is incomplete.", errors)
    campaign = Campaign(
        name=(name or "").strip(),
        template=template,
        opens_on=opens_on,
        closes_on=closes_on,
        reminder_every_days=reminder_every_days,
        is_demo=is_demo,
        created_by=user,
    )
    campaign.full_clean()
    campaign.save()
    campaign.offerings.set(offerings)
    campaign.clients.set(clients)
    return campaign


# A move of the life cycle: (from, to) -> (what the refusal says, its error, stamp field).
MOVES = {
    (CampaignStatus.DRAFT, CampaignStatus.OPEN): (
        "Only a draft campaign can be opened",
        "not a draft",
        "opened_at",
    ),
    (CampaignStatus.OPEN, CampaignStatus.CLOSED): (
        "Only an open campaign can be closed",
        "not open",
        "closed_at",
    ),
}


def _move(campaign: Campaign, user, source: str, target: str, now: dt.datetime) -> Campaign:
    """Move a campaign from ``source`` to ``target`` under a row lock (catalogue managers,
    or the scheduler when ``user`` is None); call inside a transaction."""
    if user is not None:
        require_curator(user)
    refusal, error, stamp = MOVES[source, target]
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != source:
        raise ApplicationError(
            f"{refusal}; this one is {campaign.get_status_display().lower()}.",
            {"status": [error]},
        )
    campaign.status = target
    setattr(campaign, stamp, now)
    campaign.save(update_fields=["status", stamp])
    return campaign


def campaign_open(*, campaign: Campaign, user=None, now: dt.datetime | None = None) -> Campaign:
    """Open a draft campaign and invite the focal points of every invited entity (in the
    app and by e-mail). ``user=None`` is the scheduler."""
    now = now or timezone.now()
    with transaction.atomic():
        campaign = _move(campaign, user, CampaignStatus.DRAFT, CampaignStatus.OPEN, now)
        invited = _invite(campaign, now)
    transaction.on_commit(lambda: _notify_invited(campaign, invited))
    return campaign


def _invite(campaign: Campaign, now: dt.datetime) -> list:
    """Invite the focal points of the invited entities not invited yet; returns them."""
    already = set(campaign.invitations.values_list("user_id", "client_id"))
    people = []
    for client in campaign.clients.order_by("code"):
        for person in users_with_role(role=Role.CLIENT_FOCAL_POINT, client=client):
            if (person.pk, client.pk) not in already:
                people.append(
                    Invitation(campaign=campaign, user=person, client=client, invited_at=now)
                )
    Invitation.objects.bulk_create(people, ignore_conflicts=True)
    if people:  # stored in bulk (no per-row signal): one audit entry, a count, no names
        audit_action(action="surveys.invited", target=campaign, changes={"invited": len(people)})
    return [i.user for i in people]


def invite_new_focal_points(*, now: dt.datetime | None = None) -> int:
    """Invite the focal points who joined an invited entity after its campaign opened
    (the scheduler; a rerun finds nobody new)."""
    now = now or timezone.now()
    count = 0
    for campaign in Campaign.objects.filter(status=CampaignStatus.OPEN):
        with transaction.atomic():
            locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
            invited = _invite(locked, now)
            if invited:
                transaction.on_commit(lambda c=locked, u=invited: _notify_invited(c, u))
        count += len(invited)
    return count


def _notify_invited(campaign: Campaign, users) -> None:
    notify(
        users=users,
        verb="survey.invited",
        title=f"Client satisfaction survey: {campaign.name}",
        message=(
            f"Please tell the providers how they served your entity. The survey is open "
            f"until {campaign.closes_on:%d %B %Y}; you can change your answers until then."
        ),
        url=reverse("surveys:campaign-detail", args=[campaign.pk]),
    )


def campaign_close(*, campaign: Campaign, user=None, now: dt.datetime | None = None) -> Campaign:
    """Close an open campaign: answers are final, and the months they count in are
    computed again. ``user=None`` is the scheduler (after the closing date)."""
    now = now or timezone.now()
    with transaction.atomic():
        campaign = _move(campaign, user, CampaignStatus.OPEN, CampaignStatus.CLOSED, now)
        _mark_months(
            campaign.answers.order_by().values_list("provider_id", "answer_month").distinct()
        )
    _compute_soon()
    return campaign


def _compute_soon() -> None:
    from compliance.tasks import compliance_catch_up

    compliance_catch_up()


def reminder_round(campaign: Campaign, today: dt.date) -> int:
    """The reminder round due on ``today``: 0 on the opening days, then one more every
    ``reminder_every_days``. Derived from the date, so running twice sends nothing new."""
    if today < campaign.opens_on or today > campaign.closes_on:
        return 0
    return (today - campaign.opens_on).days // campaign.reminder_every_days


def send_reminders(*, today: dt.date | None = None, now: dt.datetime | None = None) -> int:
    """Remind the invited people who have not answered yet, once per reminder round.
    Safe to run again and from several workers (rows are locked and skipped)."""
    now = now or timezone.now()
    today = today or portal_today()
    sent = 0
    for campaign in Campaign.objects.filter(status=CampaignStatus.OPEN, closes_on__gte=today):
        round_due = reminder_round(campaign, today)
        if round_due < 1:
            continue
        with transaction.atomic():
            answered = Answer.objects.filter(campaign=campaign).values("respondent_id")
            due = list(
                Invitation.objects.select_for_update(skip_locked=True)
                .filter(campaign=campaign, reminder_round__lt=round_due)
                .exclude(user_id__in=answered)
                .select_related("user")
            )
            if not due:
                continue
            Invitation.objects.filter(pk__in=[i.pk for i in due]).update(
                reminder_round=round_due, reminded_at=now
            )
            audit_action(  # stored in bulk: one audit entry, a count, no names
                action="surveys.reminded",
                target=campaign,
                changes={"round": round_due, "reminded": len({i.user_id for i in due})},
            )
            users = [i.user for i in due]
            transaction.on_commit(lambda c=campaign, u=users: _notify_reminder(c, u))
            sent += len({u.pk for u in users})
    return sent


def _notify_reminder(campaign: Campaign, users) -> None:
    notify(
        users=users,
        verb="survey.reminder",
        title=f"Reminder: client satisfaction survey {campaign.name}",
        message=f"You have not answered yet. The survey closes on {campaign.closes_on:%d %B %Y}.",
        url=reverse("surveys:campaign-detail", args=[campaign.pk]),
    )


def close_due_campaigns(*, today: dt.date | None = None) -> int:
    """Close the open campaigns whose last day has passed (the scheduler, idempotent)."""
    today = today or portal_today()
    closed = 0
    for campaign in Campaign.objects.filter(status=CampaignStatus.OPEN, closes_on__lt=today):
        try:
            campaign_close(campaign=campaign)
        except ApplicationError:
            continue  # closed meanwhile by someone else
        closed += 1
    return closed


# --- answers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerInput:
    """What a respondent typed: five scores and an optional comment."""

    overall: object
    timeliness: object
    quality: object
    communication: object
    ease_of_access: object
    comment: object = ""


def _scores(data: AnswerInput) -> dict[str, int]:
    scores, errors = {}, {}
    for name in SCORE_FIELDS:
        value = getattr(data, name)
        if isinstance(value, bool) or value is None or value == "":
            errors[name] = ["A score from 1 to 5 is required."]
            continue
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            errors[name] = ["Give a whole number from 1 to 5."]
            continue
        if not 1 <= number <= 5:
            errors[name] = [f"{number} is out of range: give a score from 1 to 5."]
            continue
        scores[name] = number
    comment = data.comment if data.comment is not None else ""
    if not isinstance(comment, str):
        errors["comment"] = ["Give the comment as text."]
    else:
        comment = comment.strip()
        if len(comment) > COMMENT_MAX:
            errors["comment"] = [f"At most {COMMENT_MAX} characters ({len(comment)} given)."]
        elif any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in comment):
            errors["comment"] = ["The comment contains control characters."]
        scores["comment"] = comment
    if errors:
        raise ApplicationError("The answer is not valid: nothing was saved.", errors)
    return scores


def answering_client(*, user, campaign: Campaign, client=None):
    """The invited entity ``user`` answers for: the one given, or their only invited one.
    A user who is not a focal point of an invited entity cannot answer."""
    invited = campaign.clients.values_list("pk", flat=True)
    mine = sorted(user_scope(user).answering_client_ids(invited))
    if client is not None:
        if client.pk not in mine:
            raise SurveyPermissionDenied(
                f"You do not answer for {client.code} in this campaign.",
                {"client": ["not an invited entity you are a focal point of"]},
            )
        return client
    if not mine:
        raise SurveyPermissionDenied(
            "Only focal points of the invited client entities answer this survey."
        )
    if len(mine) > 1:
        raise ApplicationError(
            "You are a focal point of several invited entities: say which one you answer for.",
            {"client": ["required"]},
        )
    return campaign.clients.get(pk=mine[0])


def answer_submit(
    *,
    user,
    campaign: Campaign,
    offering: Offering,
    data: AnswerInput,
    client=None,
    now: dt.datetime | None = None,
) -> Answer:
    """Give or change one's answer about one provider's service in an open campaign.

    One answer per person, provider and service per campaign (a unique constraint); a
    second submission changes the first. The answer keeps the date it was first given
    (the month it counts in); the month is marked for the compliance engine.
    """
    now = now or timezone.now()
    client = answering_client(user=user, campaign=campaign, client=client)
    # The status as stored now, not as the caller last read it (it may have just closed).
    status = Campaign.objects.filter(pk=campaign.pk).values_list("status", flat=True).first()
    if status != CampaignStatus.OPEN or portal_today(now) > campaign.closes_on:
        raise ApplicationError(
            "This campaign is closed: answers can no longer be given or changed.",
            {"campaign": ["closed"]},
        )
    if not campaign.offerings.filter(pk=offering.pk).exists():
        raise ApplicationError(
            f"{offering} is not part of this campaign.",
            {"offering": ["not covered by this campaign"]},
        )
    values = _scores(data)
    key = {
        "campaign": campaign,
        "respondent": user,
        "provider_id": offering.provider_id,
        "service_id": offering.service_id,
    }
    for _attempt in range(2):  # a concurrent first answer wins; ours then updates it
        try:
            with transaction.atomic():
                answer = Answer.objects.select_for_update().filter(**key).first()
                if answer is None:
                    answered_on = _local_date(offering, now)
                    answer = Answer(
                        **key,
                        client=client,
                        answered_at=now,
                        answered_on=answered_on,
                        answer_month=answered_on.replace(day=1),
                    )
                for name, value in values.items():
                    setattr(answer, name, value)
                answer.client = client
                answer.updated_at = now
                answer.full_clean(validate_unique=False, validate_constraints=False)
                answer.save()
                # Whoever answers counts among the invited (a focal point who joined late).
                Invitation.objects.get_or_create(
                    campaign=campaign, user=user, client=client, defaults={"invited_at": now}
                )
                _mark_months([(answer.provider_id, answer.answer_month)])
                return answer
        except IntegrityError:
            continue
    raise ApplicationError("The answer could not be saved; please try again.")


def _local_date(offering: Offering, now: dt.datetime) -> dt.date:
    zone = ZoneInfo(offering.provider.duty_station.timezone)
    return now.astimezone(zone).date()
