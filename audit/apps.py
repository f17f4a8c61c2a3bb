from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit trail's pages and API. The trail itself (``core.models.AuditEntry``) and
    the mechanism that writes it (``core.audit``) sit at the bottom, since every app's
    writes are recorded; reading it needs the user's scope, hence this app on top."""

    name = "audit"
    verbose_name = "Audit trail"
