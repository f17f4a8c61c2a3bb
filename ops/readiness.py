"""The readiness checks behind ``/readyz``: the database, the broker, a worker on every
queue, beat, and the compliance lag. Each is quick (the Redis checks give up after
``PORTAL_READY_TIMEOUT``, the database after its connect timeout) and says what failed in
words of its own: never an address, a URL or an exception's message, which could carry a
host name or a password (those go to the log).
"""

import logging
import time

import redis
from django.conf import settings
from django.db import Error as DatabaseError
from django.db import connection
from django.db.models import Count, Min
from django.utils import timezone

from records.models import PendingCompliance

from . import heartbeats

logger = logging.getLogger(__name__)

IN_PROCESS = "no broker: tasks run in-process"


def queues() -> list[str]:
    """The queues a worker must consume (``CELERY_TASK_QUEUES``)."""
    return [queue.name for queue in settings.CELERY_TASK_QUEUES]


def compliance_lag() -> tuple[float, int]:
    """(seconds the oldest pending month has waited, number of pending months)."""
    found = PendingCompliance.objects.aggregate(oldest=Min("pending_since"), count=Count("pk"))
    if found["oldest"] is None:
        return 0.0, 0
    return max(0.0, (timezone.now() - found["oldest"]).total_seconds()), found["count"]


def heartbeat_ages(now: float, store: redis.Redis | None = None):
    """({queue: seconds since a worker on it was seen, or None}, seconds since beat's
    loop ran, or None). Raises ``redis.RedisError`` if Redis cannot be read."""
    own = store is None
    store = heartbeats.client() if own else store
    try:
        workers = {}
        for queue in queues():
            seen = heartbeats.worker_last_seen(store, queue)
            workers[queue] = None if seen is None else round(max(0.0, now - seen), 1)
        beat = heartbeats.beat_last_run(store)
        return workers, None if beat is None else round(max(0.0, now - beat), 1)
    finally:
        if own:
            store.close()


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("readiness: the database cannot be reached: %s", exc)
        return {"ok": False, "error": f"cannot be reached ({type(exc).__name__})"}
    return {"ok": True}


def check_compliance_lag() -> dict:
    limit = settings.PORTAL_READY_COMPLIANCE_MAX_LAG
    lag, pending = compliance_lag()
    result = {
        "ok": lag <= limit,
        "lag_seconds": round(lag, 1),
        "pending_months": pending,
        "max_lag_seconds": limit,
    }
    if not result["ok"]:
        result["error"] = f"a month has waited {lag:.0f} s for the compliance engine"
    return result


def check_broker(store: redis.Redis) -> dict:
    try:
        store.ping()
    except redis.RedisError as exc:
        logger.warning("readiness: the broker cannot be reached: %s", exc)
        return {"ok": False, "error": f"cannot be reached ({type(exc).__name__})"}
    return {"ok": True}


def check_workers(ages: dict) -> dict:
    limit = settings.PORTAL_READY_WORKER_MAX_AGE
    stale = [queue for queue, age in ages.items() if age is None or age > limit]
    result = {"ok": not stale, "last_seen_seconds": ages, "max_age_seconds": limit}
    if stale:
        result["error"] = f"no worker seen in the last {limit} s on: {', '.join(stale)}"
    return result


def check_beat(age: float | None) -> dict:
    limit = settings.PORTAL_READY_BEAT_MAX_AGE
    result = {"ok": age is not None and age <= limit, "last_run_seconds": age}
    result["max_age_seconds"] = limit
    if not result["ok"]:
        result["error"] = (
            "beat has never run" if age is None else f"beat has not run for {age:.0f} s"
        )
    return result


def readiness() -> tuple[bool, dict]:
    """(ready, {check name: {"ok": bool, ...}}), in the order checked."""
    checks = {"database": check_database()}
    if settings.CELERY_TASK_ALWAYS_EAGER:
        skipped = {"ok": True, "skipped": IN_PROCESS}
        checks.update(broker=skipped, worker=skipped, beat=skipped)
    else:
        store = heartbeats.client()
        try:
            checks["broker"] = check_broker(store)
            if checks["broker"]["ok"]:
                try:
                    workers, beat = heartbeat_ages(time.time(), store)
                except redis.RedisError as exc:
                    logger.warning("readiness: heartbeats not read: %s", exc)
                    unread = {"ok": False, "error": f"not read ({type(exc).__name__})"}
                    checks.update(worker=unread, beat=unread)
                else:
                    checks["worker"] = check_workers(workers)
                    checks["beat"] = check_beat(beat)
            else:
                unknown = {"ok": False, "error": "unknown: the broker cannot be reached"}
                checks.update(worker=unknown, beat=dict(unknown))
        finally:
            store.close()
    if checks["database"]["ok"]:
        try:
            checks["compliance_lag"] = check_compliance_lag()
        except DatabaseError as exc:
            logger.warning("readiness: compliance lag not read: %s", exc)
            checks["compliance_lag"] = {"ok": False, "error": f"not read ({type(exc).__name__})"}
    else:
        checks["compliance_lag"] = {
            "ok": False,
            "error": "unknown: the database cannot be reached",
        }
    return all(check["ok"] for check in checks.values()), checks
