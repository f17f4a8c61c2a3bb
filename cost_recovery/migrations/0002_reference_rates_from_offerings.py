"""The offerings' rates move to the rate card: each offering's rate becomes its first rate,
from 2020-01-01 with no end (the reference loader does the same for a new database).
catalogue.0002 then removes the offering's own rate columns."""

import datetime as dt

from django.db import migrations

REFERENCE_RATES_FROM = dt.date(2020, 1, 1)


def copy_rates(apps, schema_editor):
    Offering = apps.get_model("catalogue", "Offering")
    Rate = apps.get_model("cost_recovery", "Rate")
    have = set(Rate.objects.values_list("offering_id", flat=True))
    Rate.objects.bulk_create(
        Rate(
            offering_id=offering.pk,
            rate=offering.cost_recovery_rate,
            currency=offering.currency or "USD",
            valid_from=REFERENCE_RATES_FROM,
            source=offering.source,
            verification=offering.verification,
        )
        for offering in Offering.objects.exclude(pk__in=have)
        if offering.cost_recovery_rate is not None
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0001_initial"),
        ("cost_recovery", "0001_initial"),
    ]

    operations = [migrations.RunPython(copy_rates, migrations.RunPython.noop)]
