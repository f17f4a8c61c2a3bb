"""The compliance engine (DOMAIN §5): per provider and month, every minimum service
standard over all the provider's records, and every SLA target over the records its SLA
covers.

Any set of (provider, month) shards is computed together (a pending run: one provider's
months; a full recompute: every provider's year in one pass), one step per module:

- ``shards``: which shards to compute, grouped by provider;
- ``measures``: what is measured in those months (a standard, or an SLA target over the
  days its version was in force), and the rules that give a result its status;
- ``counting``: eligible and met per measure, the record-based kinds from one SQL
  aggregate that reads each completed record once, other kinds from the counter their
  app registers;
- ``overdue``: the open records, read once by service, and how many are overdue;
- ``results``: the results, only those whose values changed written;
- ``breaches``: the notices of newly breached results;
- ``runs``: a run over some shards, in one transaction under a lock per shard, and its
  log;
- ``sql``: what the SQL does alike on SQLite and PostgreSQL.

Other apps use the names exported here; tests and benchmarks that reach into a step use
its module.
"""

from .counting import computed_kinds, register_counter
from .measures import Measure, is_met, measures_for, result_status
from .results import RESULT_FIELDS
from .runs import compute_provider_month, compute_provider_months, compute_shards
from .shards import provider_batches, recent_shards, shards_to_compute

__all__ = [
    "RESULT_FIELDS",
    "Measure",
    "compute_provider_month",
    "compute_provider_months",
    "compute_shards",
    "computed_kinds",
    "is_met",
    "measures_for",
    "provider_batches",
    "recent_shards",
    "register_counter",
    "result_status",
    "shards_to_compute",
]
