from django.db import models


class SlaStatus(models.TextChoices):
    """The life cycle of DOMAIN §6."""

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"
    SUPERSEDED = "superseded", "Superseded"


# Statuses of an agreement that binds its parties (overlap is checked against these).
BINDING_STATUSES = (SlaStatus.APPROVED, SlaStatus.ACTIVE)
# Statuses in which a version is (or was) in force for compliance.
IN_FORCE_STATUSES = (
    SlaStatus.APPROVED,
    SlaStatus.ACTIVE,
    SlaStatus.EXPIRED,
    SlaStatus.TERMINATED,
    SlaStatus.SUPERSEDED,
)


class TemplateSectionKey(models.TextChoices):
    PARTIES = "parties", "Parties"
    SCOPE = "scope", "Scope and services"
    SERVICE_LEVELS = "service_levels", "Service levels"
    RESPONSIBILITIES = "responsibilities", "Responsibilities of the provider and of the client"
    COST_RECOVERY = "cost_recovery", "Cost recovery and billing"
    REPORTING = "reporting", "Reporting and review"
    ESCALATION = "escalation", "Escalation and dispute resolution"
    TERM = "term", "Term, amendment and termination"
