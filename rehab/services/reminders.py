"""Reminders: the event services that write the outbox, and the steps that send it.

Event services (``reminders_for_*``) are called by the session, referral and
discharge services inside their own transaction: the reminder row commits or
rolls back with the event (an outbox). They take plain values, are keyword-only
and idempotent: each row has a unique ``idempotency_key``, so a repeated event
finds and updates its row instead of adding one.

The dispatcher (``reminders_claim_due``) and the worker (``reminder_send``) move a
row through the state machine in docs/reminders.md with conditional UPDATEs: a
step that finds the row changed under it does nothing.
"""

from __future__ import annotations

import logging
import random
import smtplib
import time
import uuid
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from clinic import roles
from clinic.models import Case, Patient
from rehab import reminder_messages, sms
from rehab import reminder_rules as rules
from rehab.reminder_models import (
    STAFF_KINDS,
    Reminder,
    ReminderChannel,
    ReminderKind,
    ReminderStatus,
)

logger = logging.getLogger(__name__)

SESSION = "session"
REFERRAL = "referral"
CASE = "case"

# Rows claimed per transaction (the dispatcher's cap per run is settings.REMINDER_DISPATCH_MAX),
# and rows per send task: one mail connection each.
CLAIM_BATCH_SIZE = 200
SEND_BATCH_SIZE = 50
# "Service not available, closing transmission channel": the server's, not the message's.
SMTP_CLOSING = 421

PATIENT_KINDS = [k for k in ReminderKind if k not in STAFF_KINDS]


class SendError(Exception):
    """A delivery that did not happen. ``code`` is short and carries no patient data."""

    transient = True

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code[:200]


class TransientSendError(SendError):
    """A retry may succeed (server away, timeout, 4xx)."""


class ServerUnavailable(TransientSendError):
    """The server or provider is away for every message, not only this one: the rest of
    the batch on that channel is held instead of tried."""


class PermanentSendError(SendError):
    """A retry will not succeed (address refused, 5xx)."""

    transient = False


class ReminderNotPending(Exception):
    """Only a pending reminder can be cancelled."""


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.CLINIC_TIME_ZONE)


def _patient_address(patient: Patient) -> tuple[str, str]:
    if patient.preferred_channel == ReminderChannel.EMAIL:
        return ReminderChannel.EMAIL, patient.email
    if patient.preferred_channel == ReminderChannel.SMS:
        return ReminderChannel.SMS, patient.phone
    return ReminderChannel.NONE, ""


# --- Event services (the outbox) --------------------------------------------------------------


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
        channel, recipient = _patient_address(case.patient)
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
        channel, recipient = _patient_address(case.patient)
        return _reminder_put(
            key=f"missed_session:session:{session_id}",
            case=case,
            kind=ReminderKind.MISSED_SESSION,
            subject_type=SESSION,
            subject_id=session_id,
            due_at=rules.missed_session_due(scheduled_at, _zone()),
            event_at=scheduled_at,
            channel=channel,
            recipient=recipient,
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
    channel, recipient = _patient_address(case.patient)
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


# --- Staff and patient actions ------------------------------------------------------------------


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
            skip_reason="The patient stopped reminders.",
            next_attempt_at=None,
            updated_at=now,
        )
    return patient


# --- Telling the clinic about failures --------------------------------------------------------

# Failed reminders named in one alert at most; the rest go in the next run's email.
ALERT_BATCH_SIZE = 200


def _alert_recipients() -> list[str]:
    """The clinic's admins (the admin role, and superusers) with an address, and
    REMINDER_ALERT_EMAILS."""
    User = get_user_model()
    admins = (
        User.objects.filter(Q(groups__name=roles.ADMIN) | Q(is_superuser=True), is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return sorted({*admins, *settings.REMINDER_ALERT_EMAILS})


def reminders_alert_failures() -> int:
    """Email the clinic's admins, once, about reminders that failed since the last alert;
    answers how many it named.

    The rows are marked first (a conditional UPDATE: two runs never name the same row) and
    unmarked if the email does not go out, so an alert lost to a mail outage is sent by a
    later run, once the server is back. Without any recipient the error log is the alert.
    """
    now = timezone.now()
    with transaction.atomic():
        failures = list(
            Reminder.objects.filter(status=ReminderStatus.FAILED, alerted_at__isnull=True)
            .order_by("id")
            .select_for_update(skip_locked=True)
            .values("id", "kind", "channel", "last_error", "case_id", "updated_at")[
                :ALERT_BATCH_SIZE
            ]
        )
        ids = [row["id"] for row in failures]
        marked = Reminder.objects.filter(id__in=ids, alerted_at__isnull=True).update(alerted_at=now)
        if marked != len(ids):
            # SQLite, where the lock is a no-op: keep only the rows this run marked.
            ours = set(
                Reminder.objects.filter(id__in=ids, alerted_at=now).values_list("id", flat=True)
            )
            failures = [row for row in failures if row["id"] in ours]
    if not failures:
        return 0
    recipients = _alert_recipients()
    if not recipients:
        logger.error(
            "%s reminders failed and nobody can be told: no admin has an email address "
            "and REMINDER_ALERT_EMAILS is empty.",
            len(failures),
        )
        return len(failures)
    subject, body = reminder_messages.render_failure_alert(failures)
    try:
        EmailMessage(subject, body, to=recipients).send()
    except Exception:  # any failure to send: the next run tries again
        logger.warning("The alert about %s failed reminders was not sent.", len(failures))
        Reminder.objects.filter(id__in=[row["id"] for row in failures], alerted_at=now).update(
            alerted_at=None
        )
        return 0
    return len(failures)


# --- Dispatch and send --------------------------------------------------------------------------

# last_error of an attempt whose worker died (or lost the database) before it knew the outcome.
NO_OUTCOME = "No outcome after the last attempt."


def _next_try_at():
    """When a pending row may be taken: its due time, or after a failure its next try."""
    return Coalesce("next_attempt_at", "due_at")


def _claimable(now: datetime) -> Q:
    lease = timedelta(seconds=settings.REMINDER_LEASE_SECONDS)
    return (
        Q(status=ReminderStatus.PENDING)
        & Q(LessThanOrEqual(_next_try_at(), now))
        & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease))
    )


def retry_policy() -> rules.RetryPolicy:
    """The delivery retry schedule of the settings (REMINDER_RETRY_*, REMINDER_GIVE_UP_SECONDS)."""
    return rules.RetryPolicy(
        first=timedelta(seconds=settings.REMINDER_RETRY_FIRST_SECONDS),
        ceiling=timedelta(seconds=settings.REMINDER_RETRY_MAX_SECONDS),
        give_up=timedelta(seconds=settings.REMINDER_GIVE_UP_SECONDS),
    )


def _fail(rows, *, reminder_id: int, code: str, now: datetime) -> str:
    """Mark the row failed for good; the next alert run tells the clinic's admins."""
    done = rows.update(
        status=ReminderStatus.FAILED,
        last_error=code,
        claim_token=None,
        claimed_at=None,
        sending_at=None,
        next_attempt_at=None,
        updated_at=now,
    )
    if not done:
        return "lost-race"
    logger.error("Reminder %s failed for good (%s); the admins will be told.", reminder_id, code)
    return "failed"


def _retry_or_fail(
    rows,
    *,
    reminder_id: int,
    failing_since: datetime | None,
    code: str,
    now: datetime,
    held: bool = False,
) -> str:
    """After a delivery that did not happen: release the claim and let the row wait in the
    outbox for its next try (``next_attempt_at``, picked up by the dispatcher like a due
    row: a worker restart loses nothing), or fail it once the give-up time has passed.

    ``rows`` is the conditional queryset of the step (its claim, still pending).
    """
    # Jitter spreads the retries of one outage; it protects nothing, so plain random will do.
    at = rules.next_try(now, failing_since, retry_policy(), jitter=random.random())  # noqa: S311
    if at is None:
        return _fail(rows, reminder_id=reminder_id, code=code, now=now)
    done = rows.update(
        next_attempt_at=at,
        failing_since=failing_since or now,
        last_error=code,
        claim_token=None,
        claimed_at=None,
        sending_at=None,
        updated_at=now,
    )
    if not done:
        return "lost-race"
    return "held" if held else "retry"


def reminders_claim_due(*, batch_size: int = CLAIM_BATCH_SIZE) -> list[int]:
    """Claim one batch of due reminders and answer their ids; run it inside a transaction.

    ``FOR UPDATE SKIP LOCKED``: a concurrent dispatcher passes over these rows instead
    of waiting for them, and the claim UPDATE repeats the condition, so a row is
    claimed by one run only (on SQLite, where the lock is a no-op, the database's
    single writer gives the same guarantee). A row found still *sending* after its lease
    (its worker died mid-send, so the message may or may not have left) is not claimed:
    that attempt counts as failed and the row waits for its next try like any failure,
    so a message that keeps killing workers is given up at the end of the retry window.
    """
    now = timezone.now()
    in_doubt: set[int] = set()
    while True:
        rows = list(
            Reminder.objects.filter(_claimable(now))
            .exclude(pk__in=in_doubt)
            .order_by(_next_try_at())
            .select_for_update(skip_locked=True)
            .values_list("id", "sending_at", "failing_since")[:batch_size]
        )
        found = [(pk, since) for pk, sending_at, since in rows if sending_at is not None]
        for pk, since in found:
            in_doubt.add(pk)
            _retry_or_fail(
                Reminder.objects.filter(pk=pk, sending_at__isnull=False),
                reminder_id=pk,
                failing_since=since,
                code=NO_OUTCOME,
                now=now,
            )
        if not found:
            break
    ids = [pk for pk, _, _ in rows]
    if not ids:
        return []
    token = uuid.uuid4()
    claimed = Reminder.objects.filter(_claimable(now), id__in=ids).update(
        claim_token=token, claimed_at=now, sending_at=None, updated_at=now
    )
    if claimed != len(ids):
        ids = list(Reminder.objects.filter(claim_token=token).values_list("id", flat=True))
    return ids


def in_quiet_hours(now: datetime | None = None) -> datetime | None:
    """The end of the current quiet period, or None when messages may go out."""
    return rules.quiet_until(now or timezone.now(), settings.REMINDER_QUIET_HOURS, _zone())


def _skip_reason(reminder: Reminder, channel: str, recipient: str, now: datetime) -> str:
    if reminder.kind == ReminderKind.SESSION_REMINDER and reminder.event_at <= now:
        return "The session time has passed."
    if reminder.for_staff:
        # Consent is the patient's; a staff member's work message only needs an address.
        if channel == ReminderChannel.NONE or not recipient:
            return "The requesting doctor has no email address."
        return ""
    patient = reminder.case.patient
    if not patient.reminder_consent:
        return "The patient has not consented to reminders."
    if channel == ReminderChannel.NONE:
        return "The patient's preferred channel is none."
    if not recipient:
        return (
            "The patient has no email address."
            if channel == ReminderChannel.EMAIL
            else "The patient has no phone number."
        )
    return ""


def _error_code(exc: BaseException) -> str:
    code = getattr(exc, "smtp_code", None)
    return f"{type(exc).__name__} {code}" if code else type(exc).__name__


class Senders:
    """The mail connection and the SMS backend one batch shares (opened lazily, once).

    ``close()`` when the batch ends; after a failed send the mail connection is closed
    and the next message opens a fresh one (a server that hung up stays hung up).
    """

    def __init__(self):
        self._mail = None
        self._sms = None

    @property
    def mail(self):
        if self._mail is None:
            self._mail = get_connection()
        # A no-op while open: send_messages() then leaves the connection open for the next one.
        self._mail.open()
        return self._mail

    @property
    def sms(self) -> sms.BaseSmsBackend:
        if self._sms is None:
            self._sms = sms.get_backend()
        return self._sms

    def reset_mail(self) -> None:
        if self._mail is not None:
            try:
                self._mail.close()
            except Exception:  # closing a broken connection may fail: it is gone either way
                logger.debug("Closing the mail connection failed.", exc_info=True)

    def close(self) -> None:
        self.reset_mail()
        self._mail = None


def reminder_message_id(reminder: Reminder) -> str:
    """The same Message-ID every time this reminder is sent (RFC 5322 section 3.6.4).

    SMTP cannot be exactly-once: a worker killed after the server accepted a message and
    before the row says ``sent`` sends it again after its lease (docs/reminders.md). With
    one Message-ID per reminder that second copy is a retransmission of the same message,
    which mail stores recognise and show once, not a second reminder.
    """
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "talus.invalid"
    return f"<reminder-{reminder.pk}@{domain}>"


def _deliver(
    reminder: Reminder, channel: str, recipient: str, senders: Senders | None = None
) -> None:
    """Hand the message to the mail server or the SMS provider; raise a SendError if not taken.

    ``ServerUnavailable`` when the failure is the server's or the provider's, not this
    message's: the mail connection could not be opened (connect, greeting, TLS, login), the
    server is closing the channel (421), or the SMS provider answered a transient error.
    Without ``senders`` the message opens (and closes) its own connection.
    """
    if senders is None:
        own = Senders()
        try:
            return _deliver(reminder, channel, recipient, own)
        finally:
            own.close()
    try:
        rendered = reminder_messages.render(reminder, channel=channel)
        if channel == ReminderChannel.EMAIL:
            try:
                connection = senders.mail
            except Exception as exc:
                raise ServerUnavailable(_error_code(exc)) from None
            headers = {
                "X-Talus-Reminder": str(reminder.pk),
                "Message-ID": reminder_message_id(reminder),
            }
            if rendered.stop_url:
                headers["List-Unsubscribe"] = f"<{rendered.stop_url}>"
            EmailMessage(
                rendered.subject,
                rendered.body,
                to=[recipient],
                headers=headers,
                connection=connection,
            ).send()
        else:
            senders.sms.send(recipient, rendered.sms)
    except SendError:
        raise
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
        raise PermanentSendError(_error_code(exc)) from None
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code == SMTP_CLOSING:
            raise ServerUnavailable(_error_code(exc)) from None
        error = TransientSendError if 400 <= exc.smtp_code < 500 else PermanentSendError
        raise error(_error_code(exc)) from None
    except sms.SmsError as exc:
        error = ServerUnavailable if exc.transient else PermanentSendError
        raise error(_error_code(exc)) from None
    except (smtplib.SMTPException, OSError, SoftTimeLimitExceeded) as exc:
        raise TransientSendError(_error_code(exc)) from None
    except Exception as exc:
        # Unknown (a provider's SDK, a template bug): retried, and failed after the last try.
        logger.exception("Reminder %s: unexpected error while sending.", reminder.pk)
        raise TransientSendError(_error_code(exc)) from None


def _load(ids: list[int]) -> dict[int, Reminder]:
    """The rows with the patient each message needs, in one query."""
    return Reminder.objects.select_related("case__patient").in_bulk(ids)


def reminder_send(*, reminder_id: int) -> str:
    """Send one claimed reminder, at most once per claim; answers what happened.

    Answers ``sent``, ``skipped``, ``deferred`` (quiet hours), ``retry`` (a failure a
    retry may cure: the row waits for its next try in the outbox), ``failed`` or a no-op
    (``missing``, ``not-pending``, ``not-claimed``, ``in-progress``, ``lost-race``).
    Runs outside any transaction: every UPDATE commits at once, and no lock is held
    while the mail server answers.
    """
    reminder = _load([reminder_id]).get(reminder_id)
    senders = Senders()
    try:
        return _send_one(reminder, senders=senders, down={})
    finally:
        senders.close()


@dataclass
class BatchResult:
    """What ``reminders_send_batch`` did: an outcome per id started, and the ids it had no
    time left to start."""

    outcomes: dict[int, str] = field(default_factory=dict)
    rest: list[int] = field(default_factory=list)


def reminders_send_batch(
    *, reminder_ids: list[int], time_budget: float | None = None
) -> BatchResult:
    """Send a batch of claimed reminders over one mail connection and one SMS backend.

    One query loads the rows and their patients; then each row goes through the same steps
    as ``reminder_send`` (its own send claim, its ``sent`` UPDATE straight after the server
    took it). A failure is recorded on that row alone, which waits for its next try in the
    outbox; the others go on. Once the mail server (or the SMS provider) is found away, the
    batch's other rows on that channel are not tried: each waits out the same kind of pause
    without an attempt counted (answered ``held``), so an outage costs one try per batch,
    not one per message. Rows not started once ``time_budget`` seconds have passed are
    answered in ``rest``: the caller queues them again.
    """
    started = time.monotonic()
    rows = _load(reminder_ids)
    result = BatchResult()
    senders = Senders()
    down: dict[str, str] = {}
    try:
        for index, reminder_id in enumerate(reminder_ids):
            if time_budget is not None and time.monotonic() - started > time_budget:
                result.rest = list(reminder_ids[index:])
                break
            result.outcomes[reminder_id] = _send_one(
                rows.get(reminder_id), senders=senders, down=down
            )
    finally:
        senders.close()
    return result


def _send_one(reminder: Reminder | None, *, senders: Senders, down: dict[str, str]) -> str:
    """One row through the steps of docs/reminders.md. ``down`` maps a channel found away in
    this batch to its error: its rows are held without an attempt."""
    if reminder is None:
        return "missing"
    if reminder.status != ReminderStatus.PENDING:
        return "not-pending"
    if reminder.claim_token is None:
        return "not-claimed"
    if reminder.sending_at is not None:
        # Another attempt is under way, or died: the lease decides (see docs/reminders.md).
        return "in-progress"
    now = timezone.now()
    ours = Reminder.objects.filter(
        pk=reminder.pk,
        status=ReminderStatus.PENDING,
        claim_token=reminder.claim_token,
        sending_at__isnull=True,
    )
    release = {"claim_token": None, "claimed_at": None}

    if reminder.for_staff:
        channel, recipient = reminder.channel, reminder.recipient
    else:
        # The patient may have changed their address or channel since the event.
        channel, recipient = _patient_address(reminder.case.patient)

    reason = _skip_reason(reminder, channel, recipient, now)
    if reason:
        done = ours.update(
            status=ReminderStatus.SKIPPED,
            skip_reason=reason,
            next_attempt_at=None,
            updated_at=now,
            **release,
        )
        return "skipped" if done else "lost-race"

    quiet_end = in_quiet_hours(now)
    if quiet_end is not None:
        done = ours.update(due_at=quiet_end, next_attempt_at=None, updated_at=now, **release)
        return "deferred" if done else "lost-race"

    if channel in down:
        # The server or provider did not answer this batch a moment ago: no attempt is
        # made or counted, the row waits for its next try as if it had failed.
        return _retry_or_fail(
            ours,
            reminder_id=reminder.pk,
            failing_since=reminder.failing_since,
            code=down[channel],
            now=now,
            held=True,
        )

    # The conditional UPDATE that makes the send ours alone: a second worker holding the
    # same claim finds sending_at set and updates nothing.
    if not ours.update(
        sending_at=now,
        claimed_at=now,
        attempts=F("attempts") + 1,
        channel=channel,
        recipient=recipient,
        updated_at=now,
    ):
        return "lost-race"
    reminder.channel, reminder.recipient = channel, recipient
    attempts = reminder.attempts + 1
    mine = Reminder.objects.filter(
        pk=reminder.pk, claim_token=reminder.claim_token, status=ReminderStatus.PENDING
    )

    try:
        _deliver(reminder, channel, recipient, senders)
    except SendError as exc:
        logger.warning("Reminder %s: attempt %s failed (%s).", reminder.pk, attempts, exc.code)
        senders.reset_mail()
        if isinstance(exc, ServerUnavailable):
            down[channel] = exc.code
        failed_at = timezone.now()
        if exc.transient:
            return _retry_or_fail(
                mine,
                reminder_id=reminder.pk,
                failing_since=reminder.failing_since,
                code=exc.code,
                now=failed_at,
            )
        return _fail(mine, reminder_id=reminder.pk, code=exc.code, now=failed_at)

    # Straight after the server took the message: the only window in which a kill can
    # still cause a second message (see docs/reminders.md, "exactly once").
    sent_at = timezone.now()
    marked = Reminder.objects.filter(pk=reminder.pk, claim_token=reminder.claim_token).update(
        status=ReminderStatus.SENT,
        sent_at=sent_at,
        sending_at=None,
        last_error="",
        skip_reason="",
        next_attempt_at=None,
        failing_since=None,
        updated_at=sent_at,
        **release,
    )
    if not marked:
        logger.error("Reminder %s was sent after its claim was taken over.", reminder.pk)
    return "sent"
