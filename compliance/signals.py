"""What the compliance app tells the apps above it, without importing them."""

from django.dispatch import Signal

# Sent (sender: ComplianceRun) once a computation has committed, with ``runs`` (the
# ComplianceRun of each (provider, month) computed) and ``breached`` (the keys of the
# results newly announced as breached: their month is over in the provider's zone, so
# their figures are final; each key is announced once). The webhooks app tells the
# subscribers.
compliance_computed = Signal()
