"""Anonymising a patient forgets the addresses their reminders were written for."""

from __future__ import annotations

import datetime

from django.utils import timezone

from clinic import privacy
from reminders.models import Reminder
from tests.clinic.test_privacy import discharged


def test_it_forgets_the_reminder_addresses_of_an_anonymised_patient(case, paula, settings):
    settings.MEDICAL_RECORD_RETENTION_YEARS = 1
    discharged(case, paula, timezone.now() - datetime.timedelta(days=800))
    assert Reminder.objects.filter(case=case).exclude(recipient="").exists()

    privacy.patient_anonymise(patient=case.patient)

    reminders = Reminder.objects.filter(case=case)
    assert not reminders.exclude(recipient="").exists()
    assert not reminders.filter(status="pending").exists()
