import datetime as dt
from decimal import Decimal

from django.db import models


class StatementStatus(models.TextChoices):
    """A statement is a draft, computed afresh from the records on every read, until the
    provider manager issues it; issued, it is frozen, and the client focal point
    acknowledges it or disputes it with a comment (DOMAIN §10)."""

    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    DISPUTED = "disputed", "Disputed"


# Statuses a stored statement can have (a draft is never stored).
STORED_STATUSES = (StatementStatus.ISSUED, StatementStatus.ACKNOWLEDGED, StatementStatus.DISPUTED)

# A client "runs over" its SLA when its volume to date is at least this share (in percent)
# above the volume expected to date; its parties are told once per SLA line.
VOLUME_NOTICE_OVER_PCT = Decimal(20)

# A rate has at most this many decimal places (a KWD rate may need three, a fraction of
# a cent one more); amounts are rounded to the currency's minor unit.
RATE_DECIMAL_PLACES = 4
RATE_MAX = Decimal("9999999999")

# The reference rates (reference/offerings.csv) apply from this day on, until a rate card
# change ends them (illustrative, like the rates themselves).
REFERENCE_RATES_FROM = "2020-01-01"

# The days and months the portal's cost recovery takes: 2000 to 2100.
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
