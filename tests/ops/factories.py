"""Test data of the ops tests: Redis on its own database with a prefix per test, and
reading metrics."""

import uuid

import redis
from prometheus_client.parser import text_string_to_metric_families

# The only Redis database the ops tests use.
OPS_REDIS_URL = "redis://127.0.0.1:6379/15"


def unique_prefix() -> str:
    return f"portal-test:{uuid.uuid4().hex[:12]}"


def drop_keys(prefix: str) -> None:
    store = redis.Redis.from_url(OPS_REDIS_URL)
    try:
        keys = list(store.scan_iter(match=f"{prefix}:*"))
        if keys:
            store.delete(*keys)
    finally:
        store.close()


def sample(text: str, name: str, **labels) -> float:
    """The value of the sample ``name`` with ``labels`` in an exposition (0 if absent)."""
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return found.value
    return 0.0
