"""Reminders: an outbox of messages, written with the event, sent later by Celery.

The state machine and the exactly-once argument are in docs/reminders.md.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

from clinic.models import Channel


class ReminderKind(models.TextChoices):
    SESSION_REMINDER = "session_reminder", "Session reminder (24 h before)"
    MISSED_SESSION = "missed_session", "Missed session (the day after)"
    IMAGING_OVERDUE = "imaging_overdue", "Imaging report overdue (to the doctor)"
    DISCHARGE_CHECKIN = "discharge_checkin", "Check-in after discharge"
    RUN_NEXT_MORNING = "run_next_morning", "Next-morning pain after a run"
    SLOT_OFFER = "slot_offer", "A freed time offered from the waitlist"
    DISCHARGE_LETTER = "discharge_letter", "Discharge letter (to the referrer)"
    PORTAL_LINK = "portal_link", "Private link to the runner's pages"
    OUTCOME_REQUEST = "outcome_request", "Questionnaire to answer from home"
    INTAKE_INVITATION = "intake_invitation", "Questions to answer before the first visit"
    CARE_ALERT = "care_alert", "Alert on a case (to the assigned physio)"
    PORTAL_LOCKED = "portal_locked", "Private link locked (to the staff who sent it)"


# Reminders addressed to clinic staff: the patient's consent and opt-out do not apply.
STAFF_KINDS = frozenset(
    {ReminderKind.IMAGING_OVERDUE, ReminderKind.CARE_ALERT, ReminderKind.PORTAL_LOCKED}
)
# Messages to the patient's referrer (a GP) about the patient, sent with the patient's consent
# to share, recorded by the app that asks (the reports app's letter): the address is the row's,
# and the reminders' opt-out does not apply.
REFERRER_KINDS = frozenset({ReminderKind.DISCHARGE_LETTER})


# The patient's own choices (email, sms, none): one enum in the API schema.
ReminderChannel = Channel


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"
    CANCELLED = "cancelled", "Cancelled"


# Why a reminder was cancelled when the patient stopped reminders (the stop link): the patient
# record shows such a row as "Stopped by the patient".
STOPPED_BY_PATIENT = "The patient stopped reminders."


class Reminder(models.Model):
    """One message to send once, at ``due_at``, about one thing (a session, a referral, a case).

    ``status`` is the public state. While a row is ``pending`` the dispatcher and the
    worker track their progress in ``claim_token``/``claimed_at`` (queued) and
    ``sending_at`` (a send has begun); see docs/reminders.md.
    """

    case = models.ForeignKey("clinic.Case", on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(max_length=24, choices=ReminderKind.choices)
    channel = models.CharField(max_length=8, choices=ReminderChannel.choices)
    # An email address or a phone number; empty when the channel is none.
    recipient = models.CharField(max_length=254, blank=True)
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # A short error class and code, never the message text (it may quote an address).
    last_error = models.CharField(max_length=200, blank=True)
    skip_reason = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # One row per (kind, subject[, offset]): a repeated event finds it instead of adding one.
    idempotency_key = models.CharField(max_length=120, unique=True)
    # What the reminder is about, e.g. ("session", 42); ids only: the models live elsewhere.
    subject_type = models.CharField(max_length=24)
    subject_id = models.PositiveBigIntegerField()
    # When the thing happens or happened (the session, the imaging, the discharge).
    event_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    # The dispatcher's lease: set when a run queues the row, cleared when it is done.
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set by the worker's conditional UPDATE just before it talks to the mail server.
    sending_at = models.DateTimeField(null=True, blank=True, editable=False)
    # After a delivery that did not happen: when the dispatcher may take the row again
    # (a retry goes through the outbox, not a worker's memory), and since when it has been
    # undeliverable (the give-up clock). Both cleared when the row is sent or re-armed.
    next_attempt_at = models.DateTimeField(null=True, blank=True, editable=False)
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    # When the clinic's admins were told that this reminder failed (one email per batch).
    alerted_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            # The dispatcher's query, every minute:
            #   SELECT id FROM reminders_reminder WHERE status = 'pending'
            #   AND COALESCE(next_attempt_at, due_at) <= now()
            #   AND (claimed_at IS NULL OR claimed_at < now() - lease)
            #   ORDER BY COALESCE(next_attempt_at, due_at) LIMIT 200 FOR UPDATE SKIP LOCKED
            # (next_attempt_at is null or later than due_at: the row's next try). Partial:
            # sent, skipped and cancelled rows (nearly all of them) stay out of it; rows
            # waiting out a retry sort by their next try, not in front of the due ones.
            models.Index(
                Coalesce("next_attempt_at", "due_at"),
                condition=models.Q(status="pending"),
                name="reminder_pending_next_try",
            ),
            # The failure alert, every five minutes: failed rows the admins have not heard of.
            models.Index(
                fields=["id"],
                condition=models.Q(status="failed", alerted_at__isnull=True),
                name="reminder_failed_unalerted",
            ),
            # Event services cancel or move the reminders of one session, referral or case.
            models.Index(fields=["subject_type", "subject_id"], name="reminder_subject"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sent_at__isnull=True) | models.Q(status="sent"),
                name="reminder_sent_at_only_when_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"

    @property
    def audit_patient_id(self) -> int:
        return self.case.patient_id

    @property
    def for_staff(self) -> bool:
        return self.kind in STAFF_KINDS

    @property
    def for_referrer(self) -> bool:
        return self.kind in REFERRER_KINDS
