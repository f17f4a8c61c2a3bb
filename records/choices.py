from django.db import models


class RecordStatus(models.TextChoices):
    OPEN = "open", "Open"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class ImportStatus(models.TextChoices):
    VALIDATING = "validating", "Validating"
    VALIDATED = "validated", "Validated, waiting for confirmation"
    IMPORTING = "importing", "Importing"
    DONE = "done", "Imported"
    REJECTED = "rejected", "Rejected"
    FAILED = "failed", "Failed"
