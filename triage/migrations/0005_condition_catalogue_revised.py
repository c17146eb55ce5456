"""Add the revised catalogue's four rows (docs/design.md, "Condition catalogue": twelve rows)."""

from django.db import migrations

CATALOGUE = [
    ("stress_fracture", "M84.3", "Stress fracture, not elsewhere classified", "overuse"),
    (
        "syndesmosis_sprain",
        "S93.4",
        "Sprain of the distal tibiofibular ligament (high ankle sprain)",
        "trauma",
    ),
    ("peroneal_tendinopathy", "M76.7", "Peroneal tendinitis", "overuse"),
    (
        "tibialis_posterior_tendinopathy",
        "M76.8",
        "Other enthesopathies of lower limb (tibialis posterior)",
        "overuse",
    ),
]


def seed(apps, schema_editor):
    Condition = apps.get_model("triage", "Condition")
    for code, icd10, title, pathway in CATALOGUE:
        # get_or_create: a row an admin already added under this code keeps their edits.
        Condition.objects.get_or_create(
            code=code, defaults={"icd10": icd10, "title": title, "pathway": pathway}
        )


def unseed(apps, schema_editor):
    Condition = apps.get_model("triage", "Condition")
    # Rows already used by a diagnosis are protected (PROTECT) and stay.
    Condition.objects.filter(code__in=[row[0] for row in CATALOGUE], diagnoses=None).delete()


class Migration(migrations.Migration):
    dependencies = [("triage", "0004_examination_syndesmosis_ottawa_applicability")]

    operations = [migrations.RunPython(seed, unseed)]
