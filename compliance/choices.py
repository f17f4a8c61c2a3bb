from django.db import models

# Survey anonymity: no figure is shown from fewer answers than this, neither on the
# survey's results pages nor in a satisfaction compliance result.
MIN_ANSWERS_SHOWN = 5


class ComplianceScope(models.TextChoices):
    MSS = "mss", "Minimum service standard"
    SLA = "sla", "SLA target"


class ComplianceStatus(models.TextChoices):
    MET = "met", "Met"
    BREACHED = "breached", "Breached"
    NO_DATA = "no_data", "No data"


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
