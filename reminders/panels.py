"""The reminders section of the patient record (clinic.panels.register_patient_panel): each
message with its status, a stop by the patient named as such, and the patient's consent."""

from __future__ import annotations

from clinic.panels import CasePanel, register_patient_panel
from reminders import selectors
from reminders.models import STOPPED_BY_PATIENT, ReminderStatus

# How many reminders the record lists (the newest); the API lists them all.
SHOWN = 20


def status_label(reminder) -> str:
    """A reminder's status as the record reads it: a stop by the patient says so."""
    if reminder.status == ReminderStatus.CANCELLED and reminder.skip_reason == STOPPED_BY_PATIENT:
        return "Stopped by the patient"
    return reminder.get_status_display()


@register_patient_panel
def reminders(patient, user) -> CasePanel:
    """The patient's reminders (kind, when, channel, status) and their consent."""
    rows = list(selectors.patient_reminders(user, patient)[:SHOWN])
    return CasePanel(
        template="reminders/_patient_panel.html",
        context={
            "patient": patient,
            "rows": [{"reminder": r, "status": status_label(r)} for r in rows],
        },
        records=tuple(rows),
    )
