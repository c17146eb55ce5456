"""API tokens moved to django-rest-knox (hashed, one per client): DRF's table of clear-text
tokens goes, and every token in it stops working. Clients ask for a new one."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0005_patient_phones_e164"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunSQL(
            "DROP TABLE IF EXISTS authtoken_token",
            # The old tokens were clear text: going back does not bring them back.
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
