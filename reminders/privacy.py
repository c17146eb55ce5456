"""What a patient's rights do to their reminders (registered with clinic.privacy)."""

from __future__ import annotations

from clinic.models import Patient
from reminders.models import Reminder, ReminderStatus


def forget_reminder_addresses(patient: Patient) -> None:
    """Anonymisation: the reminders' recipients are the patient's old address or phone
    number; forget them, and cancel what was still to be sent."""
    reminders = Reminder.objects.filter(case__patient=patient)
    reminders.filter(status=ReminderStatus.PENDING).update(
        status=ReminderStatus.CANCELLED, skip_reason="Patient anonymised."
    )
    reminders.update(recipient="")
