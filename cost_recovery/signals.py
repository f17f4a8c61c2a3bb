"""What cost recovery tells the apps above it, without importing them."""

from django.dispatch import Signal

# Sent (sender: Statement, statement=the statement) once the transaction that issued a
# statement has committed: the webhooks app tells the provider's and the client's
# subscribers.
statement_issued = Signal()
