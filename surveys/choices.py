from django.db import models


class CampaignStatus(models.TextChoices):
    """A campaign is prepared (draft), sent to the invited entities (open), then closed:
    answers can be given and changed only while it is open."""

    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


# The 1–5 questions of the common survey, in the order the form shows them.
SCORE_FIELDS = ("overall", "timeliness", "quality", "communication", "ease_of_access")
# DOMAIN §5: an answer is "satisfied" (meets a satisfaction standard) at overall ≥ 4.
SATISFIED_FROM = 4
