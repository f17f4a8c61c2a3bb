"""What the catalogue tells the apps above it, without importing them."""

from django.dispatch import Signal

# Sent (sender: Designation, designation=the row, action=one of DESIGNATION_ACTIONS) once
# the change's transaction has committed, so that a receiver never sees a step that was
# rolled back: a request made, approved, declined or withdrawn, or an approved designation
# ended. Webhooks and the home page's inbox may subscribe.
designation_changed = Signal()

DESIGNATION_ACTIONS = ("requested", "approved", "declined", "withdrawn", "ended")
