from django.db import models


class DeliveryMode(models.TextChoices):
    REMOTE = "remote", "Remote"
    ON_SITE = "on_site", "On site"
    HYBRID = "hybrid", "Remote and on site"


class Lifecycle(models.TextChoices):
    PIPELINE = "pipeline", "Pipeline"
    LIVE = "live", "Live"
    RETIRED = "retired", "Retired"


class OfferingScope(models.TextChoices):
    GLOBAL = "global", "Global"
    REGIONAL = "regional", "Regional"
    LOCAL = "local", "Local"


class MeasureKind(models.TextChoices):
    TIMELINESS = "timeliness", "Timeliness"
    ACCURACY = "accuracy", "Accuracy"
    SATISFACTION = "satisfaction", "Satisfaction"


class Clock(models.TextChoices):
    """The unit a timeliness threshold is counted in (DOMAIN §3)."""

    WORKING_DAYS = "working_days", "working days"
    WORKING_HOURS = "working_hours", "working hours"
    CALENDAR_DAYS = "calendar_days", "calendar days"
    HOURS_24X7 = "hours_24x7", "hours (24×7)"


class DesignationStatus(models.TextChoices):
    """Where a designation stands (DOMAIN §9): only approved ones count anywhere."""

    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
