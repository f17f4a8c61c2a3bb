"""What the sla app tells the apps above it, without importing them."""

from django.dispatch import Signal

# Sent (sender: Sla, sla=the version) inside the change's transaction when the months in
# which a version is in force change: approved (its targets now count, and the version it
# supersedes stops counting from its start), or terminated. The records app marks those
# months for the compliance engine.
sla_in_force_changed = Signal()

# Sent (sender: Sla, sla=the version, previous=its former status) once the transaction
# that changed a version's status has committed (submitted, signed into approved,
# returned, activated, superseded, terminated, expired): the webhooks app tells the
# parties' subscribers.
sla_status_changed = Signal()
