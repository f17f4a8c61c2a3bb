"""Models of the sla app: service records and their imports, agreements (SLAs)."""

from .agreements import (
    Agreement,
    ServiceLevelTarget,
    Sla,
    SlaLine,
    SlaTemplate,
    SlaTemplateSection,
)
from .compliance import ComplianceResult, ComplianceRun
from .records import (
    PendingCompliance,
    PendingRemeasure,
    RecordImport,
    RecordImportError,
    RecordStagingRow,
    ServiceRecord,
)

__all__ = [
    "Agreement",
    "ComplianceResult",
    "ComplianceRun",
    "PendingCompliance",
    "PendingRemeasure",
    "RecordImport",
    "RecordImportError",
    "RecordStagingRow",
    "ServiceLevelTarget",
    "ServiceRecord",
    "Sla",
    "SlaLine",
    "SlaTemplate",
    "SlaTemplateSection",
]
