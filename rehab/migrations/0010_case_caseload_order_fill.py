"""Fill the caseload's order on the cases that exist (clinic 0014 added the columns):
rehab.caseload_order.backfill, set-based, through this migration's historical models."""

from django.db import migrations
from django.utils import timezone

from rehab.caseload_order import backfill


def fill(apps, schema_editor):
    backfill(
        apps.get_model("clinic", "Case").objects.all(),
        sessions=apps.get_model("rehab", "PhysioSession").objects.all(),
        alerts=apps.get_model("rehab", "Alert").objects.all(),
        now=timezone.now(),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0014_case_caseload_order"),
        ("rehab", "0009_record_source_one_word_list"),
    ]

    # Backwards, the columns go with clinic 0014: nothing to undo here.
    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
