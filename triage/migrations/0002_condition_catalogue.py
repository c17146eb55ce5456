"""Seed the condition catalogue with docs/design.md's eight rows (codes are stable; admin may edit)."""

from django.db import migrations

CATALOGUE = [
    ("ankle_sprain", "S93.4", "Sprain and strain of ankle", "trauma"),
    ("ankle_fracture", "S82.8", "Fractures of other parts of lower leg (ankle)", "trauma"),
    ("achilles_rupture", "S86.0", "Injury of Achilles tendon", "trauma"),
    ("achilles_tendinitis", "M76.6", "Achilles tendinitis", "overuse"),
    ("flat_foot", "M21.4", "Flat foot [pes planus] (acquired)", "overuse"),
    ("muscular_imbalance", "M62.8", "Other specified disorders of muscle", "overuse"),
    ("ankle_osteoarthritis", "M19.07", "Primary arthrosis, ankle and foot", "overuse"),
    ("poor_running_technique", "R26.8", "Other abnormalities of gait and mobility", "overuse"),
]


def seed(apps, schema_editor):
    Condition = apps.get_model("triage", "Condition")
    for code, icd10, title, pathway in CATALOGUE:
        # update_or_create keeps the migration re-runnable over a hand-seeded table.
        Condition.objects.update_or_create(
            code=code, defaults={"icd10": icd10, "title": title, "pathway": pathway}
        )


def unseed(apps, schema_editor):
    Condition = apps.get_model("triage", "Condition")
    # Rows already used by a diagnosis are protected (PROTECT) and stay.
    Condition.objects.filter(code__in=[row[0] for row in CATALOGUE], diagnoses=None).delete()


class Migration(migrations.Migration):
    dependencies = [("triage", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
