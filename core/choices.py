"""Choices shared by several apps."""

from django.db import models


class Weekday(models.TextChoices):
    MON = "mon", "Monday"
    TUE = "tue", "Tuesday"
    WED = "wed", "Wednesday"
    THU = "thu", "Thursday"
    FRI = "fri", "Friday"
    SAT = "sat", "Saturday"
    SUN = "sun", "Sunday"


class AuditKind(models.TextChoices):
    """What a write did to its object."""

    CREATED = "created", "Created"
    CHANGED = "changed", "Changed"
    DELETED = "deleted", "Deleted"
    ACTION = "action", "Action"  # a bulk write (an import, a computation) named by its action


class AuditChannel(models.TextChoices):
    """Where a write came from."""

    PAGE = "page", "Page"
    API = "api", "API"
    ADMIN = "admin", "Admin"
    IMPORT = "import", "Import"
    TASK = "task", "Background task"
    SYSTEM = "system", "System (command, migration)"
