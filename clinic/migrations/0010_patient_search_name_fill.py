"""Fill the new search_name column of the patients registered before it (clinic.names)."""

from django.db import migrations

from clinic.names import name_key


def fill(apps, schema_editor):
    Patient = apps.get_model("clinic", "Patient")
    batch = []
    for patient in Patient.objects.only("id", "given_name", "family_name").iterator(2000):
        patient.search_name = name_key(f"{patient.given_name} {patient.family_name}")
        batch.append(patient)
        if len(batch) == 2000:
            Patient.objects.bulk_update(batch, ["search_name"])
            batch = []
    Patient.objects.bulk_update(batch, ["search_name"])


class Migration(migrations.Migration):
    dependencies = [("clinic", "0009_patient_search_name")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
