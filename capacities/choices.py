from decimal import Decimal

from django.db import models

# A capacity's posts: full-time equivalents, in hundredths (0.5 for a half-time post).
POSTS_DECIMAL_PLACES = 2
POSTS_MIN = Decimal("0.01")
# One entity's own team for one functional area at one duty station: a thousand posts is
# already more than any such team; a larger figure is a typing error.
POSTS_MAX = Decimal(1000)
# An annual cost up to a billion, in the currency's minor unit (three decimals for KWD).
COST_DECIMAL_PLACES = 3
COST_MAX = Decimal(1_000_000_000)
SOURCE_MAX = 300


class HardshipClass(models.TextChoices):
    """The ICSC's classification of duty stations by the hardship of living and working
    there: H (headquarters and duty stations where no hardship applies), then A to E,
    E being the most difficult."""

    H = "H", "H – headquarters, no hardship"
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"
    E = "E", "E – most difficult"


# The classes the duplication analysis counts as hardship or remote duty stations: a
# portal choice (the ICSC scale has no single cut-off); C to E are those where the
# difficulty of the conditions is marked.
HARDSHIP_CLASSES = (HardshipClass.C, HardshipClass.D, HardshipClass.E)
