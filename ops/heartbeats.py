"""How the readiness probe knows that workers and beat are alive: each writes the time it
was last seen into Redis (the broker's), and the probe reads it.

- A worker, from a consumer bootstep (added to the Celery app in ``portal/celery.py``):
  once it consumes its queues, and then every ``PORTAL_HEARTBEAT_SECONDS`` on the worker's
  own event loop, so a worker whose loop is stuck stops beating. Per queue: a sorted set
  ``<prefix>:queue:<queue>`` of worker host names scored by the time each was last seen.
- Beat, from its scheduler (``CELERY_BEAT_SCHEDULER``): at each tick of its loop (at least
  every ``CELERY_BEAT_MAX_LOOP_INTERVAL`` seconds), in ``<prefix>:beat``.

Nothing here may stop a worker or beat: a Redis that cannot be reached is logged, and the
next beat tries again. No model is imported: beat and the worker's bootstep load this
module before the apps are ready.
"""

import logging
import time

import redis
from celery import bootsteps
from celery.beat import PersistentScheduler
from django.conf import settings

logger = logging.getLogger(__name__)

# Host names not seen for this long are dropped from a queue's set.
FORGET_AFTER = 24 * 3600


def client(timeout: float | None = None) -> redis.Redis:
    """A Redis client on the broker's server, failing fast (``PORTAL_READY_TIMEOUT``)."""
    timeout = settings.PORTAL_READY_TIMEOUT if timeout is None else timeout
    return redis.Redis.from_url(
        settings.CELERY_BROKER_URL,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry_on_timeout=False,
    )


def _key(*parts: str) -> str:
    return ":".join([settings.PORTAL_HEARTBEAT_PREFIX, *parts])


def record_worker(store: redis.Redis, hostname: str, queues, now: float | None = None) -> None:
    """Note that the worker ``hostname`` consumes ``queues`` now."""
    now = time.time() if now is None else now
    pipe = store.pipeline(transaction=False)
    for queue in queues:
        key = _key("queue", queue)
        pipe.zadd(key, {hostname: now})
        pipe.zremrangebyscore(key, "-inf", now - FORGET_AFTER)
        pipe.expire(key, FORGET_AFTER)
    pipe.execute()


def record_beat(store: redis.Redis, now: float | None = None) -> None:
    """Note that beat's loop ran now."""
    now = time.time() if now is None else now
    store.set(_key("beat"), repr(now), ex=FORGET_AFTER)


def worker_last_seen(store: redis.Redis, queue: str) -> float | None:
    """When a worker consuming ``queue`` was last seen (Unix time), or None."""
    newest = store.zrevrange(_key("queue", queue), 0, 0, withscores=True)
    return newest[0][1] if newest else None


def beat_last_run(store: redis.Redis) -> float | None:
    """When beat's loop last ran (Unix time), or None."""
    value = store.get(_key("beat"))
    return float(value) if value is not None else None


class WorkerHeartbeat(bootsteps.StartStopStep):
    """A consumer bootstep: record this worker's queues once it consumes them, then every
    ``PORTAL_HEARTBEAT_SECONDS`` on the worker's timer."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, c, **kwargs):
        super().__init__(c, **kwargs)
        self.timer_entry = None
        self.store = None

    def start(self, c):
        self.hostname = c.hostname
        self.queues = sorted(c.app.amqp.queues.consume_from)
        self.store = client(timeout=2.0)
        self.beat()
        self.timer_entry = c.timer.call_repeatedly(settings.PORTAL_HEARTBEAT_SECONDS, self.beat)

    def stop(self, c):
        """The consumer stops, or restarts after losing the broker (``start`` again)."""
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None
        if self.store is not None:
            self.store.close()
            self.store = None

    shutdown = stop

    def beat(self):
        if self.store is None:
            return
        try:
            record_worker(self.store, self.hostname, self.queues)
        except redis.RedisError as exc:
            logger.warning("worker heartbeat not recorded: %s", type(exc).__name__)


class RecordingScheduler(PersistentScheduler):
    """Celery's default scheduler, which also records when its loop last ran."""

    # At most once every this many seconds (the loop may tick often when tasks are due).
    record_every = 5.0

    def __init__(self, *args, **kwargs):
        self.recorded_at = 0.0
        self.store = None
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        now = time.time()
        if now - self.recorded_at >= self.record_every:
            try:
                if self.store is None:
                    self.store = client(timeout=2.0)
                record_beat(self.store, now)
                self.recorded_at = now
            except redis.RedisError as exc:
                logger.warning("beat's run not recorded: %s", type(exc).__name__)
        return super().tick(*args, **kwargs)
