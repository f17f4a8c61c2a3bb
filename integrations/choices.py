from django.db import models


class TokenScope(models.TextChoices):
    """What an integration token may do, within its organisation and its creator's rights:
    read only, or also write the organisation's service records (single records, bulk
    uploads and imports)."""

    READ_ONLY = "read_only", "Read only"
    RECORDS_WRITE = "records_write", "Read, and write service records"


# Every token starts with this, so that a leaked one is recognised (secret scanners, logs).
TOKEN_PREFIX = "sp_"  # noqa: S105 (a label, not a secret)
