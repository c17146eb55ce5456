"""What staff (the API, the admin) and patients (the stop link) do to reminders."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from clinic.models import Patient
from reminders.models import (
    REFERRER_KINDS,
    STAFF_KINDS,
    STOPPED_BY_PATIENT,
    Reminder,
    ReminderKind,
    ReminderStatus,
)

PATIENT_KINDS = [k for k in ReminderKind if k not in STAFF_KINDS | REFERRER_KINDS]


class ReminderNotPending(Exception):
    """Only a pending reminder can be cancelled."""


def reminder_cancel(*, reminder: Reminder) -> Reminder:
    """Cancel one pending reminder; ``ReminderNotPending`` otherwise."""
    cancelled = Reminder.objects.filter(pk=reminder.pk, status=ReminderStatus.PENDING).update(
        status=ReminderStatus.CANCELLED, next_attempt_at=None, updated_at=timezone.now()
    )
    if not cancelled:
        raise ReminderNotPending
    reminder.refresh_from_db()
    return reminder


def reminder_retry(*, reminder: Reminder) -> bool:
    """Put a failed, skipped or cancelled reminder back in the queue with a fresh count
    and a fresh retry window."""
    return bool(
        Reminder.objects.filter(
            pk=reminder.pk,
            status__in=[ReminderStatus.FAILED, ReminderStatus.SKIPPED, ReminderStatus.CANCELLED],
        ).update(
            status=ReminderStatus.PENDING,
            attempts=0,
            last_error="",
            skip_reason="",
            claim_token=None,
            claimed_at=None,
            sending_at=None,
            next_attempt_at=None,
            failing_since=None,
            alerted_at=None,
            updated_at=timezone.now(),
        )
    )


def reminder_consent_withdraw(*, patient_id: int) -> Patient:
    """The patient stops all reminders: consent off, and their pending messages cancelled."""
    now = timezone.now()
    with transaction.atomic():
        patient = Patient.objects.select_for_update().get(pk=patient_id)
        patient.reminder_consent = False
        patient.reminder_consent_at = now
        patient.save(update_fields=["reminder_consent", "reminder_consent_at", "updated_at"])
        # Messages to staff about this patient's care (imaging overdue) are not theirs to stop.
        Reminder.objects.filter(
            case__patient=patient, status=ReminderStatus.PENDING, kind__in=PATIENT_KINDS
        ).update(
            status=ReminderStatus.CANCELLED,
            skip_reason=STOPPED_BY_PATIENT,
            next_attempt_at=None,
            updated_at=now,
        )
    return patient
