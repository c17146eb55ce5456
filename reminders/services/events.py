"""The outbox: the event services other apps call, in their own transaction.

This is the reminders app's public door for the apps built on it (the layers contract in
pyproject.toml lets triage and rehab import this module of the app, and no other). The
session, referral and discharge services call these inside their own transaction: the
reminder row commits or rolls back with the event. They take plain values, are
keyword-only and idempotent: each row has a unique ``idempotency_key``, so a repeated event
finds and updates its row instead of adding one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time

from django.core import signing
from django.db import transaction
from django.utils import timezone

from clinic.models import Case
from reminders import rules
from reminders.models import Reminder, ReminderChannel, ReminderKind, ReminderStatus
from reminders.services.common import clinic_zone, patient_address

SESSION = "session"
WAITLIST = "waitlist"
# A slot offer's link: signed for one waitlist entry, good for two days (the time goes by).
OFFER_SALT = "reminders.slot_offer"
OFFER_LINK_MAX_AGE = 2 * 24 * 3600
REFERRAL = "referral"
CASE = "case"
LETTER = "letter"

# What an app attaches to the messages of a kind it writes, built when the message is sent
# (the reports app: the discharge letter's PDF): kind -> fn(reminder) -> [(name, bytes, type)].
Attachments = Callable[[Reminder], list[tuple[str, bytes, str]]]
_ATTACHMENTS: dict[str, Attachments] = {}


def register_attachments(kind: str, build: Attachments) -> None:
    """Declare how the messages of ``kind`` get their attachments (from an app's ready())."""
    _ATTACHMENTS[kind] = build


def attachments_for(reminder: Reminder) -> list[tuple[str, bytes, str]]:
    """The files a message carries: none unless its kind registered a builder."""
    build = _ATTACHMENTS.get(reminder.kind)
    return build(reminder) if build is not None else []


RUN = "run"


# A runner's private link (the portal's PortalLink id): its messages carry the link.
PORTAL_LINK = "portal_link"
# An alert on a case (rehab's Alert id): the message to the assigned physio.
ALERT = "alert"


def register_message_link(subject_type: str, builder, *, many=None) -> None:
    """Let the messages about ``subject_type`` carry ``builder(subject_id)``, an absolute URL;
    ``many(subject_ids)`` answers ``{subject_id: URL}`` for a send batch in one go.

    Called from the ``ready()`` of the app that owns the link (the portal): the reminders
    app names no app above it.
    """
    from reminders.messages import register_link_builder

    register_link_builder(subject_type, builder, many=many)


def _reminder_put(
    *,
    key: str,
    case: Case,
    kind: str,
    subject_type: str,
    subject_id: int,
    due_at: datetime,
    event_at: datetime,
    channel: str,
    recipient: str,
    location: str = "",
) -> Reminder:
    """Create the row for an event, or bring its existing row up to date: never a second row.

    pending   -> moved to the new time (a queued, not yet sending, claim is released);
    cancelled -> revived (the event is back, e.g. a session re-scheduled after a cancel);
    sent, skipped or failed -> re-armed only if the event moved; a repeat changes nothing.
    """
    fields = {
        "case": case,
        "kind": kind,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "due_at": due_at,
        "event_at": event_at,
        "location": location,
        "channel": channel,
        "recipient": recipient,
    }
    with transaction.atomic():
        reminder, created = Reminder.objects.select_for_update().get_or_create(
            idempotency_key=key, defaults=fields
        )
        if created:
            return reminder
        moved = reminder.event_at != event_at or reminder.location != location
        if reminder.status == ReminderStatus.PENDING:
            if not moved and reminder.due_at == due_at:
                return reminder
            if reminder.sending_at is None:
                # A message already queued for the old time finds no claim and does nothing.
                reminder.claim_token = None
                reminder.claimed_at = None
            if reminder.next_attempt_at is not None and reminder.next_attempt_at <= due_at:
                # Waiting out a retry: the new time comes later, and rules (the claim reads
                # COALESCE(next_attempt_at, due_at), so next_attempt_at is never before due_at).
                reminder.next_attempt_at = None
        elif reminder.status == ReminderStatus.CANCELLED or moved:
            reminder.status = ReminderStatus.PENDING
            reminder.attempts = 0
            reminder.last_error = ""
            reminder.skip_reason = ""
            reminder.sent_at = None
            reminder.claim_token = None
            reminder.claimed_at = None
            reminder.sending_at = None
            reminder.next_attempt_at = None
            reminder.failing_since = None
            reminder.alerted_at = None
        else:
            return reminder
        for name, value in fields.items():
            setattr(reminder, name, value)
        reminder.save()
        return reminder


def _to_patient(
    *,
    key: str,
    case: Case,
    kind: str,
    subject_type: str,
    subject_id: int,
    due_at: datetime,
    event_at: datetime,
) -> Reminder:
    """One message to the case's patient, on their channel (consent applies at delivery)."""
    channel, recipient = patient_address(case.patient)
    with transaction.atomic():
        return _reminder_put(
            key=key,
            case=case,
            kind=kind,
            subject_type=subject_type,
            subject_id=subject_id,
            due_at=due_at,
            event_at=event_at,
            channel=channel,
            recipient=recipient,
        )


def _reminders_cancel(*, subject_type: str, subject_id: int, kinds: list[str]) -> int:
    """Cancel the pending reminders of one subject; answers how many.

    The claim is kept: a send already under way records ``sent`` (it did go out).
    """
    return Reminder.objects.filter(
        subject_type=subject_type,
        subject_id=subject_id,
        kind__in=kinds,
        status=ReminderStatus.PENDING,
    ).update(status=ReminderStatus.CANCELLED, next_attempt_at=None, updated_at=timezone.now())


def reminders_for_session_scheduled(
    *, case: Case, session_id: int, scheduled_at: datetime, where: str = ""
) -> Reminder | None:
    """Write, move or revive the patient's reminder 24 h before a scheduled session."""
    with transaction.atomic():
        # A session scheduled again is no longer missed.
        _reminders_cancel(
            subject_type=SESSION, subject_id=session_id, kinds=[ReminderKind.MISSED_SESSION]
        )
        if scheduled_at <= timezone.now():
            _reminders_cancel(
                subject_type=SESSION,
                subject_id=session_id,
                kinds=[ReminderKind.SESSION_REMINDER],
            )
            return None
        channel, recipient = patient_address(case.patient)
        return _reminder_put(
            key=f"session_reminder:session:{session_id}",
            case=case,
            kind=ReminderKind.SESSION_REMINDER,
            subject_type=SESSION,
            subject_id=session_id,
            due_at=rules.session_reminder_due(scheduled_at),
            event_at=scheduled_at,
            location=where,
            channel=channel,
            recipient=recipient,
        )


def reminders_for_session_cancelled(*, session_id: int) -> int:
    """Cancel every pending reminder about a session (cancelled, or a no-show corrected)."""
    with transaction.atomic():
        return _reminders_cancel(
            subject_type=SESSION,
            subject_id=session_id,
            kinds=[ReminderKind.SESSION_REMINDER, ReminderKind.MISSED_SESSION],
        )


def reminders_for_no_show(*, case: Case, session_id: int, scheduled_at: datetime) -> Reminder:
    """Write the 'we missed you' message for 09:00 clinic time the day after a no-show."""
    with transaction.atomic():
        _reminders_cancel(
            subject_type=SESSION, subject_id=session_id, kinds=[ReminderKind.SESSION_REMINDER]
        )
        channel, recipient = patient_address(case.patient)
        return _reminder_put(
            key=f"missed_session:session:{session_id}",
            case=case,
            kind=ReminderKind.MISSED_SESSION,
            subject_type=SESSION,
            subject_id=session_id,
            due_at=rules.missed_session_due(scheduled_at, clinic_zone()),
            event_at=scheduled_at,
            channel=channel,
            recipient=recipient,
        )


def reminders_for_run_logged(*, case: Case, run_id: int, run_on: date) -> Reminder:
    """Write the question for the next-morning pain, 09:00 clinic time the morning after a run."""
    with transaction.atomic():
        channel, recipient = patient_address(case.patient)
        at = datetime.combine(run_on, time(12), tzinfo=clinic_zone())
        return _reminder_put(
            key=f"run_next_morning:run:{run_id}",
            case=case,
            kind=ReminderKind.RUN_NEXT_MORNING,
            subject_type=RUN,
            subject_id=run_id,
            due_at=rules.run_next_morning_due(run_on, clinic_zone()),
            event_at=at,
            channel=channel,
            recipient=recipient,
        )


def reminders_for_run_answered(*, run_id: int) -> int:
    """Cancel the next-morning question: the score is in."""
    with transaction.atomic():
        return _reminders_cancel(
            subject_type=RUN, subject_id=run_id, kinds=[ReminderKind.RUN_NEXT_MORNING]
        )


def reminders_for_referral_performed(
    *, case: Case, referral_id: int, performed_at: datetime, requesting_doctor
) -> Reminder:
    """Write the 'report overdue' message to the requesting doctor, 7 days after the imaging."""
    email = (getattr(requesting_doctor, "email", "") or "").strip()
    with transaction.atomic():
        return _reminder_put(
            key=f"imaging_overdue:referral:{referral_id}",
            case=case,
            kind=ReminderKind.IMAGING_OVERDUE,
            subject_type=REFERRAL,
            subject_id=referral_id,
            due_at=rules.imaging_overdue_due(performed_at),
            event_at=performed_at,
            channel=ReminderChannel.EMAIL if email else ReminderChannel.NONE,
            recipient=email,
        )


def reminders_for_referral_reported(*, referral_id: int) -> int:
    """Cancel the 'report overdue' message: the report is in."""
    with transaction.atomic():
        return _reminders_cancel(
            subject_type=REFERRAL, subject_id=referral_id, kinds=[ReminderKind.IMAGING_OVERDUE]
        )


def reminders_for_referral_cancelled(*, referral_id: int) -> int:
    """Cancel the 'report overdue' message: no report will come."""
    return reminders_for_referral_reported(referral_id=referral_id)


def reminders_for_discharge(*, case: Case, discharged_at: datetime) -> list[Reminder]:
    """Write the two check-ins, 14 and 42 days after discharge."""
    channel, recipient = patient_address(case.patient)
    with transaction.atomic():
        return [
            _reminder_put(
                key=f"discharge_checkin:case:{case.pk}:{days}",
                case=case,
                kind=ReminderKind.DISCHARGE_CHECKIN,
                subject_type=CASE,
                subject_id=case.pk,
                due_at=rules.discharge_checkin_due(discharged_at, days),
                event_at=discharged_at,
                channel=channel,
                recipient=recipient,
            )
            for days in rules.DISCHARGE_CHECKIN_DAYS
        ]


def reminders_for_discharge_undone(*, case: Case) -> int:
    """Cancel the pending check-ins of a case that was re-opened."""
    with transaction.atomic():
        return _reminders_cancel(
            subject_type=CASE, subject_id=case.pk, kinds=[ReminderKind.DISCHARGE_CHECKIN]
        )


def offer_token(entry_id: int) -> str:
    """The signed token of a waitlist entry's offer link (no login: the link is the key)."""
    return signing.dumps(entry_id, salt=OFFER_SALT)


def offer_entry_id(token: str) -> int | None:
    """The waitlist entry an offer link was signed for; None if forged or expired."""
    try:
        value = signing.loads(token, salt=OFFER_SALT, max_age=OFFER_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def reminders_for_slot_offer(*, case: Case, entry_id: int, starts_at: datetime) -> Reminder:
    """Offer a freed time to a waitlisted patient, now, with the signed link to accept it."""
    return _to_patient(
        key=f"slot_offer:waitlist:{entry_id}:{starts_at.isoformat()}",
        case=case,
        kind=ReminderKind.SLOT_OFFER,
        subject_type=WAITLIST,
        subject_id=entry_id,
        due_at=timezone.now(),
        event_at=starts_at,
    )


def reminders_for_discharge_letter(
    *, case: Case, letter_id: int, recipient: str, requested_at: datetime
) -> Reminder:
    """Write the email that sends the discharge letter to the referrer, due at once.

    The caller has recorded the patient's consent to share the letter; the PDF is attached
    when the message is sent (``register_attachments``).
    """
    with transaction.atomic():
        return _reminder_put(
            key=f"discharge_letter:letter:{letter_id}",
            case=case,
            kind=ReminderKind.DISCHARGE_LETTER,
            subject_type=LETTER,
            subject_id=letter_id,
            due_at=requested_at,
            event_at=requested_at,
            channel=ReminderChannel.EMAIL if recipient else ReminderChannel.NONE,
            recipient=recipient,
        )


def reminders_for_portal_link(*, case: Case, link_id: int, sent_at: datetime) -> Reminder:
    """Write the message that gives the patient their private link, to go now."""
    return _to_patient(
        key=f"portal_link:portal_link:{link_id}",
        case=case,
        kind=ReminderKind.PORTAL_LINK,
        subject_type=PORTAL_LINK,
        subject_id=link_id,
        due_at=sent_at,
        event_at=sent_at,
    )


def reminders_for_outcome_request(
    *, case: Case, request_id: int, link_id: int, due_at: datetime
) -> Reminder:
    """Write the message asking the patient to answer a questionnaire through their link."""
    return _to_patient(
        key=f"outcome_request:request:{request_id}",
        case=case,
        kind=ReminderKind.OUTCOME_REQUEST,
        subject_type=PORTAL_LINK,
        subject_id=link_id,
        due_at=due_at,
        event_at=due_at,
    )


def reminders_for_intake_invitation(*, case: Case, link_id: int, sent_at: datetime) -> Reminder:
    """Write the message inviting the patient to answer the intake questions from home."""
    return _to_patient(
        key=f"intake_invitation:portal_link:{link_id}",
        case=case,
        kind=ReminderKind.INTAKE_INVITATION,
        subject_type=PORTAL_LINK,
        subject_id=link_id,
        due_at=sent_at,
        event_at=sent_at,
    )


def reminders_for_portal_link_revoked(*, link_id: int) -> int:
    """Cancel the pending messages that would carry a link that no longer works."""
    with transaction.atomic():
        return _reminders_cancel(
            subject_type=PORTAL_LINK,
            subject_id=link_id,
            kinds=[
                ReminderKind.PORTAL_LINK,
                ReminderKind.OUTCOME_REQUEST,
                ReminderKind.INTAKE_INVITATION,
            ],
        )


def _staff_address(user) -> tuple[str, str]:
    email = (getattr(user, "email", "") or "").strip()
    return (ReminderChannel.EMAIL if email else ReminderChannel.NONE), email


def reminders_for_portal_locked(
    *, case: Case, link_id: int, locked_at: datetime, staff
) -> Reminder:
    """Tell the staff member who sent a private link that it locked (five wrong birth dates)."""
    channel, recipient = _staff_address(staff)
    with transaction.atomic():
        return _reminder_put(
            key=f"portal_locked:portal_link:{link_id}",
            case=case,
            kind=ReminderKind.PORTAL_LOCKED,
            subject_type=PORTAL_LINK,
            subject_id=link_id,
            due_at=locked_at,
            event_at=locked_at,
            channel=channel,
            recipient=recipient,
        )


def reminders_for_alert(*, case: Case, alert_id: int, raised_at: datetime, physio) -> Reminder:
    """Tell the case's assigned physio that an alert was raised (no clinical content)."""
    channel, recipient = _staff_address(physio)
    with transaction.atomic():
        return _reminder_put(
            key=f"care_alert:alert:{alert_id}",
            case=case,
            kind=ReminderKind.CARE_ALERT,
            subject_type=ALERT,
            subject_id=alert_id,
            due_at=raised_at,
            event_at=raised_at,
            channel=channel,
            recipient=recipient,
        )
