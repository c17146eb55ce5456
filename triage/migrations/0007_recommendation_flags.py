"""Stored imaging recommendations gain the design's keys: a bool per study, and whether
the Ottawa rules applied (always, for the rules that made them)."""

from django.db import migrations

STUDIES = ("ankle_xray", "foot_xray", "ultrasound", "mri")


def with_flags(recommendation):
    studies = set(recommendation.get("studies") or [])
    flags = {"ottawa_applicable": True, **{study: study in studies for study in STUDIES}}
    return {**flags, **recommendation}


def add_flags(apps, schema_editor):
    Examination = apps.get_model("triage", "Examination")
    ImagingReferral = apps.get_model("triage", "ImagingReferral")
    for exam in Examination.objects.iterator():
        if exam.imaging_recommendation:
            exam.imaging_recommendation = with_flags(exam.imaging_recommendation)
            exam.save(update_fields=["imaging_recommendation"])
    for referral in ImagingReferral.objects.filter(recommendation__isnull=False).iterator():
        if referral.recommendation:
            referral.recommendation = with_flags(referral.recommendation)
            referral.save(update_fields=["recommendation"])


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0006_historical_diagnosis_updated_at"),
    ]

    operations = [
        migrations.RunPython(add_flags, migrations.RunPython.noop),
    ]
