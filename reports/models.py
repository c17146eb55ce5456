"""The reports app's one record: a discharge letter sent to the referrer, with consent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from clinic.models import Case


class LetterSending(models.Model):
    """A discharge letter emailed to the case's referrer through the outbox.

    The patient's consent to share the letter is recorded here (who recorded it, when, and
    how it was given); the email itself is a reminder row of kind ``discharge_letter``.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="letters_sent")
    recipient_name = models.CharField(max_length=200, blank=True)
    recipient_email = models.EmailField()
    consent_at = models.DateTimeField(
        default=timezone.now, help_text="When the patient's consent to send it was recorded."
    )
    consent_note = models.TextField(
        blank=True, help_text="How the patient agreed (e.g. in person at the last session)."
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Discharge letter for case #{self.case_id}"

    @property
    def audit_patient_id(self) -> int:
        return self.case.patient_id
