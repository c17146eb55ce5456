"""The appointment kinds a clinic starts with; each is editable in admin (docs/diary.md)."""

from django.db import migrations

KINDS = [
    # (code, name, booking type, minutes): a kind whose code is its booking type gives that
    # type's default length.
    ("session", "Physiotherapy session", "session", 45),
    ("first_session", "First physiotherapy assessment", "session", 60),
    ("consultation", "Doctor's consultation", "consultation", 20),
    ("urgent_consultation", "Urgent doctor's consultation", "consultation", 20),
]


def seed(apps, schema_editor):
    AppointmentKind = apps.get_model("diary", "AppointmentKind")
    for code, name, booking_type, minutes in KINDS:
        AppointmentKind.objects.get_or_create(
            code=code,
            defaults={"name": name, "booking_type": booking_type, "duration_minutes": minutes},
        )


def unseed(apps, schema_editor):
    AppointmentKind = apps.get_model("diary", "AppointmentKind")
    AppointmentKind.objects.filter(code__in=[code for code, *_ in KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("diary", "0002_booking_no_overlap")]

    operations = [migrations.RunPython(seed, unseed)]
