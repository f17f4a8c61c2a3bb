"""An offering's rate is kept on the rate card (cost_recovery.Rate) only: its own columns
go, once cost_recovery.0002 has copied them to the card."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('catalogue', '0001_initial'),
        ('cost_recovery', '0002_reference_rates_from_offerings'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='historicaloffering',
            name='cost_recovery_rate',
        ),
        migrations.RemoveField(
            model_name='historicaloffering',
            name='currency',
        ),
        migrations.RemoveField(
            model_name='offering',
            name='cost_recovery_rate',
        ),
        migrations.RemoveField(
            model_name='offering',
            name='currency',
        ),
    ]
