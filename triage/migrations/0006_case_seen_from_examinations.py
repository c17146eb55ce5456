"""A case examined before cases recorded when a doctor first saw the patient: its first
examination's time (the triage's urgency is history from then on, and the case leaves the head
of the "urgent first" lists: rank 3, clinic.models.NO_URGENCY_RANK)."""

from django.db import migrations
from django.db.models import Min, OuterRef, Subquery


def backfill(apps, schema_editor):
    Case = apps.get_model("clinic", "Case")
    Examination = apps.get_model("triage", "Examination")
    first = (
        Examination.objects.filter(case=OuterRef("pk"))
        .values("case")
        .annotate(first=Min("examined_at"))
        .values("first")
    )
    Case.objects.filter(seen_by_doctor_at__isnull=True, examinations__isnull=False).update(
        seen_by_doctor_at=Subquery(first[:1]), urgency_rank=3
    )


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0005_condition_catalogue_revised"),
        ("clinic", "0008_case_seen_by_doctor_at"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
