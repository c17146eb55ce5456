"""Helpers the reminder services share: the clinic's zone and where a patient's message goes."""

from __future__ import annotations

import zoneinfo

from django.conf import settings

from clinic.models import Patient
from reminders.models import ReminderChannel


def clinic_zone() -> zoneinfo.ZoneInfo:
    """The clinic's time zone (CLINIC_TIME_ZONE): due times and quiet hours are local."""
    return zoneinfo.ZoneInfo(settings.CLINIC_TIME_ZONE)


def patient_address(patient: Patient) -> tuple[str, str]:
    """The patient's chosen channel and their address on it (none: no address)."""
    if patient.preferred_channel == ReminderChannel.EMAIL:
        return ReminderChannel.EMAIL, patient.email
    if patient.preferred_channel == ReminderChannel.SMS:
        return ReminderChannel.SMS, patient.phone
    return ReminderChannel.NONE, ""
