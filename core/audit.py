"""The audit trail: who wrote what, when, and through which door.

Every save and delete of the portal's own models (and of the third-party models named
below, such as user accounts) leaves an ``AuditEntry`` through the model signals below;
writes that bypass the ORM row by row (an import applied with COPY, a compliance
computation, invitations sent in bulk) call ``audit_action`` once.

What is covered is derived, not listed: every model of the portal's apps is audited row by
row unless ``NOT_AUDITED`` says why not; survey answers and invitations are audited
anonymously (``ANONYMOUS``). ``coverage_problems`` checks the declarations against the
installed models (tests/audit/test_coverage.py).

Who: inside a request, the signed-in user (session or API token: simple-history's
middleware keeps the request); inside a Celery task, "system" with the task id as run id
(``audit_context``, set by the task signals in ``core.apps``); an import records its
uploader. Anything else (commands, migrations) is "system".
"""

import contextlib
import contextvars
import functools
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone
from simple_history.models import HistoricalChanges, HistoricalRecords

from .choices import AuditChannel, AuditKind

# --- What the trail covers ---------------------------------------------------------------
#
# Every model of the portal's own apps (the packages at the repository root) is audited row
# by row, and so are the third-party models in THIRD_PARTY_AUDITED. The models left out are
# declared here, in NOT_AUDITED, each with its reason, and simple-history's version tables
# as a family (HISTORY_TABLES). A third-party model named nowhere is not audited (its
# fields may hold secrets) and tests/audit/test_coverage.py fails until it is declared.
# (accounts.notification is audited: notify() creates them in bulk, as consequences of
# audited writes, so only a user marking one read or a deletion leaves an entry.)

PROJECT_ROOT = Path(__file__).resolve().parent.parent

NOT_AUDITED: dict[str, str] = {
    # The portal's own models.
    "core.auditentry": "The trail itself: an entry for each entry would never end.",
    "compliance.complianceresult": (
        "Figures derived from records, targets and answers, written in bulk by the "
        "compliance engine: each ComplianceRun records one compliance.computed entry."
    ),
    "records.pendingcompliance": (
        "Bookkeeping: a (provider, month) waiting for the compliance engine, marked in bulk "
        "as a consequence of audited writes; the run that takes it records "
        "compliance.computed."
    ),
    "records.pendingremeasure": (
        "Bookkeeping: a duty station waiting for its records to be measured again, marked "
        "in bulk after an audited calendar change; the run that takes it records "
        "records.remeasured."
    ),
    "records.recordstagingrow": (
        "Scratch rows of an import waiting to be confirmed (filled by COPY); applying the "
        "import records one records.imported entry."
    ),
    "records.recordimporterror": (
        "An import's report of its rejected rows, written in bulk; the import itself is "
        "audited and counts them."
    ),
    "webhooks.delivery": (
        "A log of what was sent where, written by the delivery tasks at every attempt; "
        "the subscription it follows is audited, and a redelivery by hand records "
        "webhooks.redelivered."
    ),
    "webhooks.deliveryattempt": (
        "A log of each HTTP attempt (status, time, the start of the answer), written by "
        "the delivery tasks: a log of a log."
    ),
    # Third-party models.
    "admin.logentry": (
        "The admin's own log of what was done through it; those writes are audited on "
        "their objects (channel admin)."
    ),
    "auth.permission": "Derived from the models by migrate; never edited.",
    "contenttypes.contenttype": "Derived from the models by migrate; never edited.",
    "sessions.session": (
        "Sign-in state, not a change of anything; its data is what authenticates the "
        "session, so it must not be copied anywhere."
    ),
    "axes.accessattempt": "Failed sign-in attempts and lockouts: axes' own log.",
    "axes.accessattemptexpiration": "When a lockout ends: part of axes' own log.",
    "axes.accessfailurelog": "Each failed sign-in: axes' own log.",
    "axes.accesslog": "Each sign-in and sign-out: axes' own log.",
}

# simple-history's version tables (one per model with HistoricalRecords), left out as a
# family: each version copies a write already audited on its own model.
HISTORY_TABLES = (
    "simple-history's versions, kept for the admin's history and the SLA history page: "
    "each copies a write already audited on its own model."
)

THIRD_PARTY_AUDITED: dict[str, str] = {
    "auth.user": "Accounts: who may sign in, and as staff or superuser (password withheld).",
    "auth.group": "Sets of permissions an account can be given.",
}

# Audited anonymously: the entry says that a row was created, changed or deleted, and when,
# but not by whom (actor "anonymous", no path), not with which values, and names the row by
# its id alone. The portal promises that nobody reads someone else's survey answer: answers
# are anonymous in results and each person's own only on /api/v1/survey-answers/. Their
# rows deleted with a user account leave no entry (see _record_delete).
ANONYMOUS: dict[str, str] = {
    "surveys.answer": (
        "Carries who answered (respondent, and their entity) and what (scores, comment)."
    ),
    "surveys.invitation": (
        "Names the person invited; a focal point who answers without an invitation gets "
        "one as they answer (answer_submit), so a named entry would tell who answered, "
        "and its reminder round tells who has not."
    ),
}

# Values never written to the trail ("(changed)" stands in): by model label, "*" for any.
SECRET_FIELDS = {
    "*": {"password"},
    "integrations.integrationtoken": {"digest"},
    "webhooks.subscription": {"secret"},
}
# Models whose primary key is a secret: their entries name the object by this field.
NAMED_BY: dict[str, str] = {}
IGNORED_FIELDS = {"last_login"}  # a sign-in is not a change of the account
VALUE_LENGTH = 200
ANONYMOUS_ACTOR = "anonymous"
WITHHELD = {"values": "withheld: survey answers are anonymous"}

AUDITED, ANONYMISED, EXCLUDED, UNDECLARED = "audited", "anonymous", "excluded", "undeclared"


def model_label(model) -> str:
    """The label a model is audited under: a proxy counts as its concrete model."""
    return model._meta.concrete_model._meta.label_lower


def is_project_model(model) -> bool:
    """Whether ``model`` belongs to one of the portal's own apps (at the repository root)."""
    try:
        config = apps.get_app_config(model._meta.concrete_model._meta.app_label)
    except LookupError:
        return False
    return Path(config.path).resolve().parent == PROJECT_ROOT


def coverage(
    model,
    *,
    not_audited: dict[str, str] = NOT_AUDITED,
    third_party: dict[str, str] = THIRD_PARTY_AUDITED,
    anonymous: dict[str, str] = ANONYMOUS,
) -> tuple[str, str]:
    """How ``model`` is audited, and why: (AUDITED, ANONYMISED, EXCLUDED or UNDECLARED,
    the reason declared). An undeclared third-party model is not audited (its fields may
    hold secrets): ``coverage_problems`` asks for a decision."""
    label = model_label(model)
    if label in not_audited:
        return EXCLUDED, not_audited[label]
    if issubclass(model, HistoricalChanges):
        return EXCLUDED, HISTORY_TABLES
    if label in anonymous:
        return ANONYMISED, anonymous[label]
    if label in third_party:
        return AUDITED, third_party[label]
    if is_project_model(model):
        return AUDITED, "One of the portal's own models."
    return UNDECLARED, ""


WHERE = "in core/audit.py"


def coverage_problem(
    model,
    *,
    not_audited: dict[str, str] = NOT_AUDITED,
    third_party: dict[str, str] = THIRD_PARTY_AUDITED,
    anonymous: dict[str, str] = ANONYMOUS,
) -> str | None:
    """What to do about ``model`` when it is neither audited nor declared left out."""
    kind, _reason = coverage(
        model, not_audited=not_audited, third_party=third_party, anonymous=anonymous
    )
    if kind != UNDECLARED:
        return None
    return (
        f"{model_label(model)} ({model.__module__}.{model.__name__}) is neither audited nor "
        f"declared excluded: audit it by adding it to THIRD_PARTY_AUDITED {WHERE} (its "
        f"secret fields to SECRET_FIELDS), or add it to NOT_AUDITED {WHERE} with the reason "
        f"it is left out."
    )


def declaration_problems(
    *,
    not_audited: dict[str, str] = NOT_AUDITED,
    third_party: dict[str, str] = THIRD_PARTY_AUDITED,
    anonymous: dict[str, str] = ANONYMOUS,
) -> list[str]:
    """What is wrong with the declarations above, one sentence each saying what to do: a
    declaration without a reason, a label that is not a model, a model declared twice, a
    secret field that does not exist."""
    labels = {m._meta.label_lower: m for m in apps.get_models()}
    problems = []
    declared = {
        "NOT_AUDITED": not_audited,
        "THIRD_PARTY_AUDITED": third_party,
        "ANONYMOUS": anonymous,
    }
    seen: dict[str, str] = {}
    for name, declarations in declared.items():
        for label, reason in declarations.items():
            if label not in labels:
                problems.append(
                    f"{label} in {name} {WHERE} is not a model (renamed or removed?): "
                    f"correct or remove it."
                )
            if not (isinstance(reason, str) and reason.strip()):
                problems.append(
                    f"{label} in {name} {WHERE} has no reason: say why it is declared there."
                )
            if label in seen:
                problems.append(
                    f"{label} is declared in both {seen[label]} and {name} {WHERE}: keep one."
                )
            seen.setdefault(label, name)
    named = {label: {field} for label, field in NAMED_BY.items()}
    for label, fields in (*SECRET_FIELDS.items(), *named.items()):
        if label == "*":
            continue
        if label not in labels:
            problems.append(f"{label} in SECRET_FIELDS or NAMED_BY {WHERE} is not a model.")
            continue
        names = {f.name for f in labels[label]._meta.get_fields()}
        problems.extend(
            f"{label}.{field} in SECRET_FIELDS or NAMED_BY {WHERE} is not a field."
            for field in sorted(fields - names)
        )
    return problems


def coverage_problems(models=None, **declarations) -> list[str]:
    """Every problem: the models given (all installed ones by default) that are neither
    audited nor declared, then the problems of the declarations themselves."""
    models = apps.get_models() if models is None else models
    problems = [coverage_problem(model, **declarations) for model in models]
    return [p for p in problems if p] + declaration_problems(**declarations)


@functools.cache
def _policy(sender) -> str:
    return coverage(sender)[0]


@dataclass(frozen=True)
class AuditContext:
    actor: object | None
    channel: str
    run_id: str = ""
    path: str = ""


_context: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar(
    "audit_context", default=None
)


@contextlib.contextmanager
def audit_context(*, channel: str, actor=None, run_id: str = ""):
    """Attribute the writes inside the block (a task, an import) to ``actor`` or system."""
    token = _context.set(AuditContext(actor, channel, str(run_id)[:64]))
    try:
        yield
    finally:
        _context.reset(token)


def current_context() -> AuditContext:
    explicit = _context.get()
    if explicit is not None:
        return explicit
    request = getattr(HistoricalRecords.context, "request", None)
    if request is not None:
        user = getattr(request, "user", None)
        path = request.path
        channel = (
            AuditChannel.API
            if path.startswith("/api/")
            else AuditChannel.ADMIN
            if path.startswith("/admin/")
            else AuditChannel.PAGE
        )
        actor = user if user is not None and user.is_authenticated else None
        return AuditContext(actor, channel, path=path[:200])
    return AuditContext(None, AuditChannel.SYSTEM)


def audit_action(*, action: str, target, changes: dict | None = None, actor=None, **context):
    """Record one bulk write (``action`` such as "records.imported") on ``target``.

    ``actor`` and ``context`` (channel, run_id) override the current context."""
    audit_actions(action=action, targets=[(target, changes)], actor=actor, **context)


def audit_actions(*, action: str, targets, actor=None, **context) -> None:
    """Record the same action on several targets, given as (target, changes), in one
    statement (a full compliance recompute logs a hundred runs)."""
    from .models import AuditEntry

    ctx = current_context()
    if context or actor is not None:
        ctx = AuditContext(
            actor if actor is not None else ctx.actor,
            context.get("channel", ctx.channel),
            str(context.get("run_id", ctx.run_id))[:64],
            ctx.path,
        )
    who = {anonymous: _who(ctx, anonymous=anonymous) for anonymous in (False, True)}
    entries = []
    for target, changes in targets:
        anonymous = _policy(target._meta.model) == ANONYMISED
        object_id, object_repr = _names(target, anonymous)
        entries.append(
            AuditEntry(
                **who[anonymous],
                kind=AuditKind.ACTION,
                action=action[:64],
                model=model_label(target._meta.model),
                object_id=object_id,
                object_repr=object_repr,
                changes=dict(WITHHELD) if anonymous else changes or {},
            )
        )
    AuditEntry.objects.bulk_create(entries)


def _who(ctx: AuditContext, *, anonymous: bool = False) -> dict:
    if anonymous:
        # Nobody, and no path either: an answer's path names the campaign and service.
        return {
            "at": timezone.now(),
            "actor": None,
            "actor_label": ANONYMOUS_ACTOR,
            "channel": ctx.channel,
            "run_id": ctx.run_id,
            "path": "",
        }
    actor = ctx.actor
    return {
        "at": timezone.now(),
        "actor": actor,
        "actor_label": actor.get_username() if actor is not None else "system",
        "channel": ctx.channel,
        "run_id": ctx.run_id,
        "path": ctx.path,
    }


def _names(instance, anonymous: bool) -> tuple[str, str]:
    """The object's id and text as the trail shows them."""
    meta = instance._meta
    named_by = NAMED_BY.get(model_label(meta.model))
    if named_by is not None:  # its primary key is a secret
        field = meta.get_field(named_by)
        value = getattr(instance, field.attname)
        return str(value), f"{meta.verbose_name} of {field.name} {value}"[:VALUE_LENGTH]
    if anonymous:  # its text may name the person (an invitation's does)
        return str(instance.pk), f"{meta.verbose_name} {instance.pk}"[:VALUE_LENGTH]
    return str(instance.pk), _repr(instance)


def _repr(instance) -> str:
    # The trail never breaks a write: a __str__ that cannot cope with the values as they
    # were assigned (a date still a string before it is read back) falls back to the id.
    try:
        return str(instance)[:VALUE_LENGTH]
    except Exception:
        return f"{instance._meta.verbose_name} {instance.pk}"[:VALUE_LENGTH]


def _recorded(sender) -> bool:
    return _policy(sender) in (AUDITED, ANONYMISED)


def _values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def _secrets(sender) -> set[str]:
    return SECRET_FIELDS["*"] | SECRET_FIELDS.get(model_label(sender), set())


def _shown(name: str, value, secrets: set[str]) -> str | None:
    if value is None:
        return None
    if name in secrets:
        return "(changed)"
    return str(value)[:VALUE_LENGTH]


def _remember_old_values(sender, instance, raw=False, **kwargs):
    if raw or not _recorded(sender) or instance.pk is None:
        return
    old = sender._base_manager.filter(pk=instance.pk).values(
        *[f.attname for f in sender._meta.concrete_fields]
    )
    instance._audit_old = next(iter(old), None)


def _record_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or not _recorded(sender):
        return
    from .models import AuditEntry

    anonymous = _policy(sender) == ANONYMISED
    secrets = _secrets(sender)
    new = _values(instance)
    old = getattr(instance, "_audit_old", None)
    instance._audit_old = None
    if created or old is None:
        kind = AuditKind.CREATED
        changes = {k: [None, _shown(k, v, secrets)] for k, v in new.items() if v not in (None, "")}
    else:
        kind = AuditKind.CHANGED
        changes = {
            k: [_shown(k, old.get(k), secrets), _shown(k, v, secrets)]
            for k, v in new.items()
            if old.get(k) != v and k not in IGNORED_FIELDS
        }
        if not changes:
            return  # saved as it was: nothing to tell
    object_id, object_repr = _names(instance, anonymous)
    AuditEntry.objects.create(
        **_who(current_context(), anonymous=anonymous),
        kind=kind,
        action=f"{model_label(sender)}.{kind}",
        model=model_label(sender),
        object_id=object_id,
        object_repr=object_repr,
        changes=dict(WITHHELD) if anonymous else changes,
    )


def _record_delete(sender, instance, origin=None, **kwargs):
    if not _recorded(sender):
        return
    from .models import AuditEntry

    anonymous = _policy(sender) == ANONYMISED
    if anonymous and _deleting_an_account(origin):
        # A deleted account's answers and invitations go with it: entries for them
        # beside the account's own "deleted" entry would tell that this person answered
        # (and how often). The account's deletion is the record.
        return
    object_id, object_repr = _names(instance, anonymous)
    AuditEntry.objects.create(
        **_who(current_context(), anonymous=anonymous),
        kind=AuditKind.DELETED,
        action=f"{model_label(sender)}.deleted",
        model=model_label(sender),
        object_id=object_id,
        object_repr=object_repr,
    )


def _deleting_an_account(origin) -> bool:
    """Whether a deletion started from a user account (one, or a queryset of them)."""
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return issubclass(model, get_user_model())


def connect() -> None:
    """Called once from ``CoreConfig.ready``."""
    pre_save.connect(_remember_old_values, dispatch_uid="audit-pre-save")
    post_save.connect(_record_save, dispatch_uid="audit-post-save")
    post_delete.connect(_record_delete, dispatch_uid="audit-post-delete")
    _connect_tasks()


def _connect_tasks() -> None:
    from celery.signals import task_postrun, task_prerun

    tokens: dict[str, contextvars.Token] = {}

    def started(task_id=None, task=None, **kwargs):
        tokens[task_id] = _context.set(
            AuditContext(None, AuditChannel.TASK, f"{task.name}:{task_id}"[:64])
        )

    def finished(task_id=None, **kwargs):
        token = tokens.pop(task_id, None)
        if token is not None:
            with contextlib.suppress(ValueError):
                _context.reset(token)

    task_prerun.connect(started, weak=False, dispatch_uid="audit-task-prerun")
    task_postrun.connect(finished, weak=False, dispatch_uid="audit-task-postrun")


def audited_models() -> list[str]:
    """The labels of the models audited row by row (for the search form's choices)."""
    return sorted(
        {model_label(m) for m in apps.get_models() if _policy(m) in (AUDITED, ANONYMISED)}
    )
