"""Writes of the reports app: sending the discharge letter to the referrer."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from clinic.errors import Conflict, Invalid
from clinic.models import Case, CaseStatus
from reminders.services import events
from reports.models import LetterSending


@transaction.atomic
def letter_send(*, case: Case, by, consent: bool, consent_note: str = "") -> LetterSending:
    """Record the patient's consent and queue the letter's email to the referrer (the outbox).

    Only a discharged case has a discharge letter (409 otherwise); the case must name its
    referrer's email, and the patient must have agreed: both are field errors.
    """
    if case.status != CaseStatus.DISCHARGED:
        raise Conflict("Only a discharged case has a discharge letter.", code="not_discharged")
    errors: dict[str, list[str]] = {}
    if not case.referrer_email:
        errors["referrer_email"] = ["The case names no referrer's email address."]
    if consent is not True:
        errors["consent"] = ["Record that the patient agreed to send the letter to the referrer."]
    if errors:
        raise Invalid(errors)
    now = timezone.now()
    sending = LetterSending.objects.create(
        case=case,
        recipient_name=case.referrer_name,
        recipient_email=case.referrer_email,
        consent_at=now,
        consent_note=consent_note.strip(),
        requested_by=by,
        requested_at=now,
    )
    events.reminders_for_discharge_letter(
        case=case, letter_id=sending.pk, recipient=sending.recipient_email, requested_at=now
    )
    return sending
