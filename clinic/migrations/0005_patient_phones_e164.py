"""Existing patients' phone numbers in E.164, as clinic.services.phone_e164 now stores them.

Data-safe: a number the library cannot read as valid is left exactly as it was (the next
edit of that patient asks for a valid one); the reverse keeps the E.164 form (which is a
valid way to write every number).
"""

import phonenumbers
from django.conf import settings
from django.db import migrations


def to_e164(apps, schema_editor):
    Patient = apps.get_model("clinic", "Patient")
    for pk, phone in Patient.objects.exclude(phone="").values_list("pk", "phone").iterator():
        try:
            number = phonenumbers.parse(phone, settings.PHONE_DEFAULT_REGION)
        except phonenumbers.NumberParseException:
            continue
        if not phonenumbers.is_valid_number(number):
            continue
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if e164 != phone:
            Patient.objects.filter(pk=pk).update(phone=e164)


class Migration(migrations.Migration):
    dependencies = [("clinic", "0004_patient_search_trigram")]

    operations = [migrations.RunPython(to_e164, migrations.RunPython.noop)]
