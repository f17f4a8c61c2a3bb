"""The events an organisation may subscribe a URL to, and a delivery's states."""

from django.db import models


class EventType(models.TextChoices):
    COMPLIANCE_BREACHED = "compliance.breached", "A result breached its target (month final)"
    COMPLIANCE_COMPUTED = "compliance.computed", "A provider's month was computed"
    SLA_STATE_CHANGED = "sla.state_changed", "An SLA changed state"
    IMPORT_FINISHED = "import.finished", "An import of service records finished"
    DESIGNATION_CHANGED = "designation.changed", "A designation was added, changed or removed"
    STATEMENT_ISSUED = "statement.issued", "A cost-recovery statement was issued"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Failed"


# The Standard Webhooks secret format: "whsec_" and the base64 of random bytes.
SECRET_PREFIX = "whsec_"  # noqa: S105 (a format's prefix, not a secret)
SECRET_BYTES = 32
# What an attempt keeps of the receiver's answer.
RESPONSE_BODY_KEPT = 1000
URL_MAX_LENGTH = 2000
