"""What the records app tells the apps above it, without importing them."""

from django.dispatch import Signal

# Sent (sender: the model written) once records were stored, changed or deleted and their
# months marked pending in the same transaction: the compliance app answers by computing
# the pending months now rather than at the next scheduled run.
records_changed = Signal()
