"""What the records app tells the apps above it, without importing them."""

from django.dispatch import Signal

# Sent (sender: the model written) once records were stored, changed or deleted and their
# months marked pending in the same transaction: the compliance app answers by computing
# the pending months now rather than at the next scheduled run.
records_changed = Signal()

# Sent (sender: RecordImport) when a step of an import has done its work: ``step`` is
# "validate" (the rows read, checked and staged) or "apply" (the staged rows stored),
# with ``record_import``, ``rows`` and ``seconds`` (the time the step took, without the
# wait for a confirmation in between): the ops app measures import throughput with it.
import_step_finished = Signal()

# Sent (sender: RecordImport, record_import=the import) once the transaction that brought
# an import to its end (done, rejected or failed) has committed: the webhooks app tells
# the provider's subscribers.
import_finished = Signal()
