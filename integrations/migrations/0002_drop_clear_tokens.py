# The API tokens of before (DRF's authtoken) were stored in clear: their table goes, and
# with it every such token; integrations get new tokens on the Integration tokens page.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("integrations", "0001_initial")]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
    ]
