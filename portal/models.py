"""The runner's private links and the questionnaires the clinic asks them to answer from home."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clinic.models import Case, Patient
from rehab.instruments.catalogue import INSTRUMENTS
from rehab.models import OutcomeSide

# Wrong dates of birth a link takes before it locks.
DOB_TRIES = 5


class PortalLink(models.Model):
    """A private link for one patient: signed, expiring, revocable, locked by wrong birth dates.

    The URL carries a signature of the row's id (``portal.tokens``); the row holds the state
    that makes it work or not. ``case`` is the episode the link's messages file under (the
    outbox is per case); the link shows the patient's items across all their cases.
    """

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="portal_links")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The patient's links on their record and in the API: WHERE patient_id = …
            models.Index(fields=["patient", "-created_at"], name="portal_link_patient"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(failed_attempts__lte=DOB_TRIES), name="portal_link_tries_bounded"
            ),
        ]

    def __str__(self) -> str:
        return f"Private link #{self.pk} ({self.state})"

    @property
    def audit_patient_id(self) -> int:
        return self.patient_id

    @property
    def state(self) -> str:
        """``active``, ``revoked``, ``locked`` or ``expired``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.locked_at is not None:
            return "locked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "active"


class OutcomeRequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    COMPLETED = "completed", "Completed"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"


# The ankle a questionnaire is about: the outcome's own word list (rehab).
RequestSide = OutcomeSide


class OutcomeRequest(models.Model):
    """A questionnaire the runner is asked to answer from home, due at ``due_at``.

    pending -> sent (its message went into the outbox with a link) -> completed (an outcome
    with source ``patient``) or expired (unanswered by ``expires_at``: a ``no_response``
    alert); pending or sent -> cancelled. ``schedule_key`` names a default request
    (``plan-start``, ``rehab-28``, ``discharge-42``): one per case and key.
    """

    INSTRUMENT_CHOICES = [(code, instrument.name) for code, instrument in INSTRUMENTS.items()]

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="outcome_requests")
    instrument = models.CharField(max_length=16, choices=INSTRUMENT_CHOICES)
    side = models.CharField(max_length=8, choices=RequestSide.choices, blank=True)
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=OutcomeRequestStatus.choices, default=OutcomeRequestStatus.PENDING
    )
    schedule_key = models.CharField(max_length=32, blank=True)
    link = models.ForeignKey(
        PortalLink, on_delete=models.PROTECT, related_name="requests", null=True, blank=True
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.OneToOneField(
        "rehab.OutcomeMeasure",
        on_delete=models.PROTECT,
        related_name="request",
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            # The tick, every few minutes: WHERE status = 'pending' AND due_at <= now().
            models.Index(
                fields=["due_at"], condition=Q(status="pending"), name="outcome_request_due"
            ),
            # The tick: WHERE status = 'sent' AND expires_at <= now().
            models.Index(
                fields=["expires_at"], condition=Q(status="sent"), name="outcome_request_open"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "schedule_key"],
                condition=~Q(schedule_key=""),
                name="outcome_request_scheduled_once",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(outcome__isnull=False),
                name="outcome_request_completed_has_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(instrument="cait") | ~Q(side=""),
                name="outcome_request_cait_has_side",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} due {self.due_at:%Y-%m-%d} ({self.status})"

    @property
    def audit_patient_id(self) -> int:
        return self.case.patient_id

    @property
    def is_open(self) -> bool:
        return self.status == OutcomeRequestStatus.SENT


class IntakeInvitationStatus(models.TextChoices):
    SENT = "sent", "Sent"
    ANSWERED = "answered", "Answered, to confirm"
    CONFIRMED = "confirmed", "Confirmed into the case"
    CANCELLED = "cancelled", "Cancelled"


class IntakeInvitation(models.Model):
    """The article's questionnaire, answered by the runner from home before the first visit.

    sent -> answered (the answers kept as given, triage's red flags noted) -> confirmed by
    reception (the intake service records and triages them on ``case``, opened with the
    invitation); sent or answered -> cancelled.
    """

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="intake_invitations")
    link = models.ForeignKey(PortalLink, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=12,
        choices=IntakeInvitationStatus.choices,
        default=IntakeInvitationStatus.SENT,
    )
    answers = models.JSONField(null=True, blank=True)
    red_flags = models.JSONField(default=list, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Reception's "answered, to confirm" list: WHERE status = 'answered'.
            models.Index(
                fields=["answered_at"],
                condition=Q(status="answered"),
                name="intake_invitation_to_confirm",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="sent") | Q(status="cancelled") | Q(answers__isnull=False),
                name="intake_invitation_answered_has_answers",
            ),
        ]

    def __str__(self) -> str:
        return f"Intake invitation #{self.pk} ({self.status})"

    @property
    def audit_patient_id(self) -> int:
        return self.patient_id
