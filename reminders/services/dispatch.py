"""Dispatch and send: the steps that take due rows out of the outbox and deliver them.

The dispatcher (``reminders_claim_due``) and the worker (``reminder_send``,
``reminders_send_batch``) move a row through the state machine in docs/reminders.md with
conditional UPDATEs: a step that finds the row changed under it does nothing. A send
batch takes the send claim of all its rows in one UPDATE and marks each ``sent`` alone,
straight after the server took it.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from reminders import messages, rules
from reminders.models import Reminder, ReminderChannel, ReminderKind, ReminderStatus
from reminders.services.common import clinic_zone, patient_address
from reminders.services.delivery import SendError, Senders, ServerUnavailable, deliver

logger = logging.getLogger(__name__)


# Rows claimed per transaction (the dispatcher's cap per run is settings.REMINDER_DISPATCH_MAX),
# and rows per send task: one mail connection each.
CLAIM_BATCH_SIZE = 200
SEND_BATCH_SIZE = 50

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


def _fail(rows, *, reminder_id: int, code: str, now: datetime, **attempt) -> str:
    """Mark the row failed for good; the next alert run tells the clinic's admins.
    ``attempt``: the fields an attempt that ended so records (its count, where it went)."""
    done = rows.update(
        **attempt,
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
    **attempt,
) -> str:
    """After a delivery that did not happen: release the claim and let the row wait in the
    outbox for its next try (``next_attempt_at``, picked up by the dispatcher like a due
    row: a worker restart loses nothing), or fail it once the give-up time has passed.

    ``rows`` is the conditional queryset of the step (its claim, still pending);
    ``attempt``, the fields an attempt that ended so records (none for a held row).
    """
    # Jitter spreads the retries of one outage; it protects nothing, so plain random will do.
    at = rules.next_try(now, failing_since, retry_policy(), jitter=random.random())  # noqa: S311
    if at is None:
        return _fail(rows, reminder_id=reminder_id, code=code, now=now, **attempt)
    done = rows.update(
        **attempt,
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
    single writer gives the same guarantee). Rows found still *sending* after their lease
    belong to a send batch that died: it sends its rows one at a time in id order, each
    leaving ``sending`` before the next begins, so of one batch's rows (one token) still
    sending, only the lowest may have reached the server. That one is not claimed: the
    attempt counts as failed (its outcome is unknown) and the row waits for its next try
    like any failure, so a message that keeps killing workers is given up at the end of
    the retry window. The others of that batch never began: they are claimed as if the
    batch had not taken them.
    """
    now = timezone.now()
    in_doubt: set[int] = set()
    while True:
        rows = list(
            Reminder.objects.filter(_claimable(now))
            .exclude(pk__in=in_doubt)
            .order_by(_next_try_at())
            .select_for_update(skip_locked=True)
            .values_list("id", "sending_at", "failing_since", "claim_token")[:batch_size]
        )
        found = [(pk, since, token) for pk, at, since, token in rows if at is not None]
        # A row is let go as never begun only when a lower row of its batch is seen still
        # sending too: whatever the LIMIT leaves out, the one that may have gone is kept.
        lowest: dict[uuid.UUID, int] = {}
        for pk, _, token in found:
            lowest[token] = min(pk, lowest.get(token, pk))
        never_begun = [pk for pk, _, token in found if pk != lowest[token]]
        for pk, since, token in found:
            if pk != lowest[token]:
                continue
            in_doubt.add(pk)
            _retry_or_fail(
                Reminder.objects.filter(pk=pk, sending_at__isnull=False),
                reminder_id=pk,
                failing_since=since,
                code=NO_OUTCOME,
                now=now,
                attempts=F("attempts") + 1,
            )
        if never_begun:
            Reminder.objects.filter(pk__in=never_begun, sending_at__isnull=False).update(
                sending_at=None, updated_at=now
            )
        if not found:
            break
    ids = [pk for pk, _, _, _ in rows]
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
    return rules.quiet_until(now or timezone.now(), settings.REMINDER_QUIET_HOURS, clinic_zone())


def _skip_reason(reminder: Reminder, channel: str, recipient: str, now: datetime) -> str:
    if reminder.kind == ReminderKind.SESSION_REMINDER and reminder.event_at <= now:
        return "The session time has passed."
    if reminder.for_staff:
        # Consent is the patient's; a staff member's work message only needs an address.
        if channel == ReminderChannel.NONE or not recipient:
            return "The staff member it is for has no email address."
        return ""
    if reminder.for_referrer:
        # The patient's consent to share was recorded when the letter was asked for.
        if channel == ReminderChannel.NONE or not recipient:
            return "The case names no referrer's email address."
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


def _load(ids: list[int]) -> dict[int, Reminder]:
    """The rows with the patient each message needs, in one query."""
    return Reminder.objects.select_related("case__patient").in_bulk(ids)


def reminder_send(*, reminder_id: int) -> str:
    """Send one claimed reminder, at most once per claim; answers what happened.

    Answers ``sent``, ``skipped``, ``deferred`` (quiet hours), ``retry`` (a failure a
    retry may cure: the row waits for its next try in the outbox), ``failed`` or a no-op
    (``missing``, ``not-pending``, ``not-claimed``, ``in-progress``, ``lost-race``).
    Runs outside any transaction: every UPDATE commits at once, and no lock is held
    while the mail server answers. A batch of one: the same steps as a batch.
    """
    return reminders_send_batch(reminder_ids=[reminder_id]).outcomes[reminder_id]


@dataclass
class BatchResult:
    """What ``reminders_send_batch`` did: an outcome per id started, and the ids it had no
    time left to start."""

    outcomes: dict[int, str] = field(default_factory=dict)
    rest: list[int] = field(default_factory=list)


@dataclass
class _Send:
    """A row about to be sent, to the channel and address the patient has now."""

    reminder: Reminder
    channel: str
    recipient: str


def reminders_send_batch(
    *, reminder_ids: list[int], time_budget: float | None = None
) -> BatchResult:
    """Send a batch of claimed reminders over one mail connection and one SMS backend.

    One query loads the rows and their patients (and one per kind of link the messages
    carry, ``messages.links_for``); rows to skip or defer are settled; **one** conditional
    UPDATE takes the send claim of every row left (a fresh token for the batch, each row
    ``sending``); then the rows are sent one at a time in id order, each marked ``sent``
    straight after the server took it, before the next begins — so of a batch's rows still
    ``sending`` after a kill only the lowest can have reached the server (the dispatcher
    relies on it, ``reminders_claim_due``). A failure is recorded on that row alone, which
    waits for its next try in the outbox; the others go on. Once the mail server (or the
    SMS provider) is found away, the batch's other rows on that channel are not tried:
    each waits out the same kind of pause without an attempt counted (answered ``held``),
    so an outage costs one try per batch, not one per message. Rows not started once
    ``time_budget`` seconds have passed are released and answered in ``rest``: the caller
    queues them again.
    """
    started = time.monotonic()
    rows = _load(reminder_ids)
    result = BatchResult()
    now = timezone.now()
    quiet_end = in_quiet_hours(now)
    ready: list[_Send] = []
    for reminder_id in dict.fromkeys(reminder_ids):
        prepared = _prepare(rows.get(reminder_id), now=now, quiet_end=quiet_end)
        if isinstance(prepared, _Send):
            ready.append(prepared)
        else:
            result.outcomes[reminder_id] = prepared
    token, sending = _claim_sends(ready, now=now)
    won = {send.reminder.pk for send in sending}
    result.outcomes.update({s.reminder.pk: "lost-race" for s in ready if s.reminder.pk not in won})
    links = messages.links_for(send.reminder for send in sending)
    senders = Senders()
    down: dict[str, str] = {}
    try:
        for index, send in enumerate(sending):
            if time_budget is not None and time.monotonic() - started > time_budget:
                result.rest = _release([s.reminder.pk for s in sending[index:]], token=token)
                break
            result.outcomes[send.reminder.pk] = _send_claimed(
                send, token=token, senders=senders, down=down, links=links
            )
    finally:
        senders.close()
    return result


def _prepare(
    reminder: Reminder | None, *, now: datetime, quiet_end: datetime | None
) -> _Send | str:
    """Steps 1 to 3 of docs/reminders.md for one row: a ``_Send`` if it is to be sent, else
    what happened to it (nothing, or a skip or a deferral written on the row)."""
    if reminder is None:
        return "missing"
    if reminder.status != ReminderStatus.PENDING:
        return "not-pending"
    if reminder.claim_token is None:
        return "not-claimed"
    if reminder.sending_at is not None:
        # Another attempt is under way, or died: the lease decides (see docs/reminders.md).
        return "in-progress"
    ours = Reminder.objects.filter(
        pk=reminder.pk,
        status=ReminderStatus.PENDING,
        claim_token=reminder.claim_token,
        sending_at__isnull=True,
    )
    release = {"claim_token": None, "claimed_at": None}

    if reminder.for_staff or reminder.for_referrer:
        channel, recipient = reminder.channel, reminder.recipient
    else:
        # The patient may have changed their address or channel since the event.
        channel, recipient = patient_address(reminder.case.patient)

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

    if quiet_end is not None:
        done = ours.update(due_at=quiet_end, next_attempt_at=None, updated_at=now, **release)
        return "deferred" if done else "lost-race"
    return _Send(reminder, channel, recipient)


def _claim_sends(ready: list[_Send], *, now: datetime) -> tuple[uuid.UUID, list[_Send]]:
    """The send claim of the whole batch (step 4): a new token, ``sending_at`` set, on the
    rows still pending under the claim they were loaded with. Answers the token and the
    rows won, in id order (the order they are sent in). One UPDATE per dispatcher claim
    among the rows (nearly always one); a second worker holding the same claim finds
    ``sending_at`` set and updates nothing."""
    token = uuid.uuid4()
    by_claim: dict[uuid.UUID, list[int]] = {}
    for send in ready:
        by_claim.setdefault(send.reminder.claim_token, []).append(send.reminder.pk)
    claimed = 0
    for claim, ids in by_claim.items():
        claimed += Reminder.objects.filter(
            pk__in=ids, status=ReminderStatus.PENDING, claim_token=claim, sending_at__isnull=True
        ).update(claim_token=token, claimed_at=now, sending_at=now, updated_at=now)
    if claimed != len(ready):
        won = set(Reminder.objects.filter(claim_token=token).values_list("id", flat=True))
        ready = [send for send in ready if send.reminder.pk in won]
    return token, sorted(ready, key=lambda send: send.reminder.pk)


def _release(ids: list[int], *, token: uuid.UUID) -> list[int]:
    """Give back the send claim of rows the batch will not start (out of time): they stay
    claimed, not sending, for the batch the caller queues again. Answers their ids."""
    Reminder.objects.filter(
        pk__in=ids, claim_token=token, status=ReminderStatus.PENDING, sending_at__isnull=False
    ).update(sending_at=None, updated_at=timezone.now())
    return ids


def _send_claimed(
    send: _Send,
    *,
    token: uuid.UUID,
    senders: Senders,
    down: dict[str, str],
    links: dict[int, str],
) -> str:
    """Steps 5 and 6 for one row whose send claim the batch holds: hand the message over, then
    mark it sent (or record the failure, or hold it when its channel is away)."""
    reminder, channel, recipient = send.reminder, send.channel, send.recipient

    def mine():
        # Built only on the way that needs it: a sent message (nearly all) never does.
        return Reminder.objects.filter(
            pk=reminder.pk, claim_token=token, status=ReminderStatus.PENDING
        )

    if channel in down:
        # The server or provider did not answer this batch a moment ago: no attempt is
        # made or counted, the row waits for its next try as if it had failed.
        return _retry_or_fail(
            mine(),
            reminder_id=reminder.pk,
            failing_since=reminder.failing_since,
            code=down[channel],
            now=timezone.now(),
            held=True,
        )
    reminder.channel, reminder.recipient = channel, recipient
    # What the attempt records, whatever its outcome: it happened, and where it went.
    attempt = {"attempts": F("attempts") + 1, "channel": channel, "recipient": recipient}
    release = {"claim_token": None, "claimed_at": None}

    try:
        deliver(reminder, channel, recipient, senders, links=links)
    except SendError as exc:
        logger.warning(
            "Reminder %s: attempt %s failed (%s).", reminder.pk, reminder.attempts + 1, exc.code
        )
        senders.reset_mail()
        if isinstance(exc, ServerUnavailable):
            down[channel] = exc.code
        failed_at = timezone.now()
        if exc.transient:
            return _retry_or_fail(
                mine(),
                reminder_id=reminder.pk,
                failing_since=reminder.failing_since,
                code=exc.code,
                now=failed_at,
                **attempt,
            )
        return _fail(mine(), reminder_id=reminder.pk, code=exc.code, now=failed_at, **attempt)

    # Straight after the server took the message: the only window in which a kill can
    # still cause a second message (see docs/reminders.md, "exactly once").
    sent_at = timezone.now()
    marked = Reminder.objects.filter(pk=reminder.pk, claim_token=token).update(
        status=ReminderStatus.SENT,
        sent_at=sent_at,
        sending_at=None,
        last_error="",
        skip_reason="",
        next_attempt_at=None,
        failing_since=None,
        updated_at=sent_at,
        **attempt,
        **release,
    )
    if not marked:
        logger.error("Reminder %s was sent after its claim was taken over.", reminder.pk)
    return "sent"
