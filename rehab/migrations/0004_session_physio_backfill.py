"""Give every existing session a practitioner before the column becomes NOT NULL (0005).

A session booked without a physio takes its case's assigned physio, else the physio who
logged it. One with neither cannot be repaired here: the migration stops and says so.
Its own migration: on PostgreSQL the updates leave deferred foreign-key checks pending,
and ALTER TABLE refuses to run in the transaction that has them.
"""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery


def backfill(apps, schema_editor):
    PhysioSession = apps.get_model("rehab", "PhysioSession")
    Case = apps.get_model("clinic", "Case")
    missing = PhysioSession.objects.filter(physio__isnull=True)
    missing.filter(case__assigned_physio__isnull=False).update(
        physio=Subquery(Case.objects.filter(pk=OuterRef("case_id")).values("assigned_physio")[:1])
    )
    missing.filter(logged_by__isnull=False).update(physio=F("logged_by"))
    left = missing.count()
    if left:
        raise RuntimeError(
            f"{left} physiotherapy session(s) have no physio and their case has no assigned "
            "physio. Assign a physio to those cases (PhysioSession.objects.filter(physio=None)"
            " lists them), then run migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0007_patient_restricted_index"),
        ("rehab", "0003_merge_0002_history_0002_reminder"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
