"""Background work of the compliance engine: one task per shard of (provider, month).

Tasks take plain values, re-fetch, and call the engine; each is idempotent (safe to
retry, and run with acks_late so a killed worker's shard is delivered again).
"""

import datetime as dt

from celery import current_app, shared_task

from core.tasks import send_on_commit
from records.models import PendingCompliance

from .engine import (
    compute_provider_month,
    compute_shards,
    provider_batches,
    recent_shards,
    shards_to_compute,
)


@shared_task(name="compliance.compute_shard")
def compute_compliance_shard(provider_id: int, period: str, trigger: str = "pending") -> int:
    """Compute one provider's month (idempotent; acks late, so a killed worker's shard is
    delivered again and recomputed)."""
    run = compute_provider_month(
        provider_id=provider_id, month=dt.date.fromisoformat(period), trigger=trigger
    )
    return run.rows_written


@shared_task(name="compliance.compute_shards")
def compute_compliance_shards(shards: list, trigger: str = "pending") -> int:
    """Compute some (provider, "YYYY-MM-DD") shards together, in one pass over the records
    (idempotent; acks late like a single shard). Returns the rows written."""
    runs = compute_shards(
        shards=[(provider_id, dt.date.fromisoformat(period)) for provider_id, period in shards],
        trigger=trigger,
    )
    return sum(run.rows_written for run in runs)


def task_batches(shards, tasks: int | None = None) -> list[list[tuple[int, str]]]:
    """The shards of each task: one task per provider (pending and nightly runs, which
    the workers share), or the providers spread over ``tasks`` tasks. A full recompute is
    cheapest in one task (one pass over the records, where the providers' records are
    mixed) and is split only to share it between workers."""
    batches = provider_batches(shards)
    count = len(batches) if tasks is None else max(1, min(tasks, len(batches)))
    groups: list[list] = [[] for _ in range(count)]
    sizes = [0] * count
    for provider_id, months in sorted(batches, key=lambda b: -len(b[1])):
        smallest = sizes.index(min(sizes))  # balance the months between the tasks
        groups[smallest] += [(provider_id, m.isoformat()) for m in months]
        sizes[smallest] += len(months)
    return sorted(sorted(group) for group in groups if group)


def enqueue_shards(shards, trigger: str, tasks: int | None = None) -> int:
    """Send the shards' tasks (see ``task_batches``). Returns the number of shards."""
    for batch in task_batches(shards, tasks):
        compute_compliance_shards.delay(batch, trigger)
    return len(shards)


@shared_task(name="compliance.compute_pending")
def compute_pending_compliance() -> int:
    """Every minute (beat): one task per (provider, month) marked since the last run."""
    return enqueue_shards(shards_to_compute(), "pending")


@shared_task(name="compliance.compute_recent")
def compute_recent_compliance() -> int:
    """Nightly (beat): the current and previous month of every provider, in its own time
    zone, and any closed month still provisional (``recent_shards``): a month that is over
    becomes final, and its breaches are announced."""
    return enqueue_shards(recent_shards(), "nightly")


def compliance_catch_up() -> str:
    """After records changed: compute the pending months (a task; the caller never waits
    with a broker, and the embedded default computes them in-process). Returns what was
    done, in a sentence (the import command prints it).

    The months are already marked pending in the database, in the same transaction as the
    records, so a broker that cannot be reached only delays the figures: the records stay
    stored and the scheduled ``compute_pending`` run catches up once the broker is back.
    """
    pending = _pending_months()
    outcome = send_on_commit(compute_pending_compliance)
    if not pending:
        return "Compliance: nothing to compute."
    if not outcome["sent"]:
        return (
            f"Compliance of {pending} is pending: the broker cannot be reached, so the "
            "scheduled run will compute it."
        )
    if current_app.conf.task_always_eager:
        return f"Compliance computed for {pending}."
    return f"Compliance of {pending} sent to the workers."


def _pending_months(shown: int = 6) -> str:
    """The months waiting for the engine, by provider: "UNON 2026-01, 2026-02; KJSO …"."""
    by_provider: dict[str, list[str]] = {}
    for code, month in PendingCompliance.objects.order_by("provider__code", "month").values_list(
        "provider__code", "month"
    ):
        by_provider.setdefault(code, []).append(f"{month:%Y-%m}")
    parts = [f"{code} {', '.join(months)}" for code, months in by_provider.items()]
    more = len(parts) - shown
    return "; ".join(parts[:shown]) + (f" and {more} more providers" if more > 0 else "")
