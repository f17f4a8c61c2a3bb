"""The life cycle of a statement (DOMAIN §10): a draft (always current) is issued by the
provider manager, which freezes its lines; the client focal point then acknowledges it or
disputes it with a comment. Each step tells the other party (in the app and by e-mail).
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from accounts.selectors import user_scope
from accounts.services import notify, users_with_role
from core.currencies import rate_text
from core.exceptions import ApplicationError
from providers.models import ServiceProvider

from ..choices import StatementStatus
from ..models import Statement, StatementLine
from ..selectors.statements import current_month, month_has_ended, statement_for
from ..signals import statement_issued
from .rates import CostRecoveryPermissionDenied

COMMENT_MAX = 4000


def statement_url(statement) -> str:
    return reverse(
        "cost_recovery:statement-detail",
        args=[statement.provider.code, statement.client.code, f"{statement.month:%Y-%m}"],
    )


def check_period(provider, month: dt.date, *, now=None) -> None:
    """A statement's month must have begun in the provider's time zone."""
    if month > current_month(provider, now):
        raise ApplicationError(
            f"{month:%Y-%m} has not begun in {provider.code}'s time zone: a statement covers "
            "a month that has begun.",
            {"period": ["in the future"]},
        )


def _amount(value, currency: str) -> str:
    return f"{rate_text(value, currency)} {currency}".strip()


@transaction.atomic
def statement_issue(
    *, user, provider, client, month: dt.date, now=None, is_demo: bool = False
) -> Statement:
    """Issue the draft as it stands: its lines (the adjustments of months issued before
    included) are stored and never change. Only the provider's managers issue, once the
    month is over in the provider's time zone, and only when every record has a rate."""
    if not user_scope(user).may_issue_statements_for(provider.pk):
        raise CostRecoveryPermissionDenied(f"Only {provider.code}'s managers issue its statements.")
    # One issue at a time per provider: the next statement takes the adjustments once.
    ServiceProvider.objects.select_for_update().filter(pk=provider.pk).first()
    check_period(provider, month, now=now)
    existing = Statement.objects.filter(provider=provider, client=client, month=month).first()
    if existing is not None:
        raise ApplicationError(
            f"The statement of {month:%Y-%m} was issued on {existing.issued_at:%Y-%m-%d}: an "
            "issued statement never changes; later changes go on the next one.",
            {"period": ["already issued"]},
        )
    if not month_has_ended(provider, month, now):
        raise ApplicationError(
            f"{month:%B %Y} is not over yet in {provider.code}'s time zone: issue its "
            "statement once the month has ended.",
            {"period": ["month not over"]},
        )
    draft = statement_for(provider=provider, client=client, month=month, now=now)
    if draft.unpriced:
        missing = "; ".join(
            f"{u.service.code} {u.month:%Y-%m}: {u.records} record(s)" for u in draft.unpriced
        )
        raise ApplicationError(
            f"Some records were completed on days without a rate ({missing}): add the rates "
            "for those days, then issue.",
            {"lines": [f"no rate: {missing}"]},
        )
    if not draft.lines:
        raise ApplicationError(
            f"Nothing to bill {client.code} for {month:%B %Y}: no completed record to charge "
            "and no adjustment.",
            {"period": ["nothing to bill"]},
        )
    statement = Statement(
        provider=provider,
        client=client,
        month=month,
        status=StatementStatus.ISSUED,
        currency=draft.currency,
        total=draft.total,
        issued_at=now or timezone.now(),
        issued_by=user,
        is_demo=is_demo,
    )
    statement._history_user = user
    try:
        with transaction.atomic():
            statement.save()
    except IntegrityError:
        raise ApplicationError(
            f"The statement of {month:%Y-%m} has just been issued.",
            {"period": ["already issued"]},
        ) from None
    for line in draft.lines:
        StatementLine.objects.create(
            statement=statement,
            service=line.service,
            rate=line.rate,
            quantity=line.quantity,
            amount=line.amount,
            adjusts=line.adjusts,
        )
    notify(
        users=users_with_role(role=Role.CLIENT_FOCAL_POINT, client=client),
        verb="statement.issued",
        title=f"{provider.code} issued its statement for {month:%B %Y}",
        message=(
            f"{provider.name} issued its statement to {client.name} for {month:%B %Y}: "
            f"{_amount(statement.total, statement.currency)}. Please acknowledge it, or "
            "dispute it with a comment."
        ),
        url=statement_url(statement),
    )
    transaction.on_commit(lambda: statement_issued.send(sender=Statement, statement=statement))
    return statement


def _answer(
    *, user, statement: Statement, status: str, comment, required: bool, verb: str
) -> Statement:
    if not user_scope(user).may_answer_statements_for(statement.client_id):
        raise CostRecoveryPermissionDenied(
            f"Only {statement.client.code}'s focal points acknowledge or dispute its statements."
        )
    comment = _comment(comment, required=required)
    statement = (
        Statement.objects.select_for_update()
        .select_related("provider", "client")
        .get(pk=statement.pk)
    )
    if statement.status != StatementStatus.ISSUED:
        raise ApplicationError(
            f"This statement was already {statement.get_status_display().lower()} on "
            f"{statement.answered_at:%Y-%m-%d}.",
            {"status": [statement.status]},
        )
    statement.status = status
    statement.answered_at = timezone.now()
    statement.answered_by = user
    statement.comment = comment
    statement._history_user = user
    statement.save()
    done = StatementStatus(status).label.lower()
    notify(
        users=users_with_role(role=Role.PROVIDER_MANAGER, provider=statement.provider),
        verb=verb,
        title=f"{statement.client.code} {done} your statement for {statement.month:%B %Y}",
        message=(
            f"{statement.client.name} {done} the statement for {statement.month:%B %Y} "
            f"({_amount(statement.total, statement.currency)})."
            + (f"\n\nTheir comment: {comment}" if comment else "")
        ),
        url=statement_url(statement),
    )
    return statement


def _comment(value, *, required: bool) -> str:
    text = str(value or "").strip()
    if "\x00" in text:
        raise ApplicationError(
            "The comment holds a character that is not text.", {"comment": ["invalid"]}
        )
    if len(text) > COMMENT_MAX:
        raise ApplicationError(
            f"The comment is longer than {COMMENT_MAX} characters.", {"comment": ["too long"]}
        )
    if required and not text:
        raise ApplicationError(
            "Say what you dispute: the provider reads your comment.", {"comment": ["required"]}
        )
    return text


@transaction.atomic
def statement_acknowledge(*, user, statement: Statement, comment: str = "") -> Statement:
    """The client focal point accepts an issued statement (an optional comment)."""
    return _answer(
        user=user,
        statement=statement,
        status=StatementStatus.ACKNOWLEDGED,
        comment=comment,
        required=False,
        verb="statement.acknowledged",
    )


@transaction.atomic
def statement_dispute(*, user, statement: Statement, comment: str) -> Statement:
    """The client focal point disputes an issued statement, saying why. The statement
    stays as issued; a correction of the records shows on the next statement."""
    return _answer(
        user=user,
        statement=statement,
        status=StatementStatus.DISPUTED,
        comment=comment,
        required=True,
        verb="statement.disputed",
    )
