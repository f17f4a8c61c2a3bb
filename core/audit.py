"""The audit trail: who wrote what, when, and through which door.

Every save and delete of the portal's own models (and of user accounts) leaves an
``AuditEntry`` through the model signals below; writes that bypass the ORM row by row
(an import applied with COPY, a compliance computation) call ``audit_action`` once.

Who: inside a request, the signed-in user (session or API token: simple-history's
middleware keeps the request); inside a Celery task, "system" with the task id as run id
(``audit_context``, set by the task signals in ``core.apps``); an import records its
uploader. Anything else (commands, migrations) is "system".
"""

import contextlib
import contextvars
from dataclasses import dataclass

from django.apps import apps
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .choices import AuditChannel, AuditKind

# Apps whose models are audited row by row, and the models left out: derived or
# bookkeeping rows written in bulk (their writers record one entry per run instead), and
# the trail itself.
AUDITED_APPS = {
    "core",
    "accounts",
    "clients",
    "providers",
    "catalogue",
    "sla",
    "records",
    "compliance",
    "auth",
}
NOT_AUDITED = {
    "core.auditentry",
    "compliance.complianceresult",  # one entry per ComplianceRun instead
    "records.pendingcompliance",
    "records.recordstagingrow",
    "records.recordimporterror",  # the import's own entry counts its rows
    # (accounts.notification is audited: notify() creates them in bulk, as consequences of
    # audited writes, so only a user marking one read or a deletion leaves an entry)
    "auth.permission",
}
SECRET_FIELDS = {"password"}
IGNORED_FIELDS = {"last_login"}  # a sign-in is not a change of the account
VALUE_LENGTH = 200


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
    who = _who(ctx)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            **who,
            kind=AuditKind.ACTION,
            action=action[:64],
            model=target._meta.label_lower,
            object_id=str(target.pk),
            object_repr=_repr(target),
            changes=changes or {},
        )
        for target, changes in targets
    )


def _who(ctx: AuditContext) -> dict:
    actor = ctx.actor
    return {
        "at": timezone.now(),
        "actor": actor,
        "actor_label": actor.get_username() if actor is not None else "system",
        "channel": ctx.channel,
        "run_id": ctx.run_id,
        "path": ctx.path,
    }


def _repr(instance) -> str:
    # The trail never breaks a write: a __str__ that cannot cope with the values as they
    # were assigned (a date still a string before it is read back) falls back to the id.
    try:
        return str(instance)[:VALUE_LENGTH]
    except Exception:
        return f"{instance._meta.verbose_name} {instance.pk}"[:VALUE_LENGTH]


def _audited(sender) -> bool:
    meta = sender._meta
    return (
        meta.app_label in AUDITED_APPS
        and meta.label_lower not in NOT_AUDITED
        and not meta.label_lower.split(".")[1].startswith("historical")
    )


def _values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def _shown(name: str, value) -> str | None:
    if value is None:
        return None
    if name in SECRET_FIELDS:
        return "(changed)"
    return str(value)[:VALUE_LENGTH]


def _remember_old_values(sender, instance, raw=False, **kwargs):
    if raw or not _audited(sender) or instance.pk is None:
        return
    old = sender._base_manager.filter(pk=instance.pk).values(
        *[f.attname for f in sender._meta.concrete_fields]
    )
    instance._audit_old = next(iter(old), None)


def _record_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or not _audited(sender):
        return
    from .models import AuditEntry

    new = _values(instance)
    old = getattr(instance, "_audit_old", None)
    instance._audit_old = None
    if created or old is None:
        kind = AuditKind.CREATED
        changes = {k: [None, _shown(k, v)] for k, v in new.items() if v not in (None, "")}
    else:
        kind = AuditKind.CHANGED
        changes = {
            k: [_shown(k, old.get(k)), _shown(k, v)]
            for k, v in new.items()
            if old.get(k) != v and k not in IGNORED_FIELDS
        }
        if not changes:
            return  # saved as it was: nothing to tell
    AuditEntry.objects.create(
        **_who(current_context()),
        kind=kind,
        action=f"{sender._meta.label_lower}.{kind}",
        model=sender._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=_repr(instance),
        changes=changes,
    )


def _record_delete(sender, instance, **kwargs):
    if not _audited(sender):
        return
    from .models import AuditEntry

    AuditEntry.objects.create(
        **_who(current_context()),
        kind=AuditKind.DELETED,
        action=f"{sender._meta.label_lower}.deleted",
        model=sender._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=_repr(instance),
    )


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
        m._meta.label_lower
        for m in apps.get_models()
        if _audited(m) and m._meta.label_lower not in NOT_AUDITED
    )
