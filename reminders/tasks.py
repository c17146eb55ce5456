"""Celery tasks of the reminders app: the dispatcher, the senders and the failure alert.

All take ids (or nothing), reload, check state, then act through ``reminders.services``;
running any of them twice does no harm.
"""

from __future__ import annotations

import logging
from functools import partial

from celery import shared_task
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnavailable

from reminders.services import alerts, dispatch

logger = logging.getLogger(__name__)

# The hard limit must stay below REMINDER_LEASE_SECONDS (60 s at least): a send still
# running is never claimed again. EMAIL_TIMEOUT (10 s) keeps an SMTP call well inside it.
SEND_TIME_LIMIT = 30
SEND_SOFT_TIME_LIMIT = 25
# A batch starts no new message after this many seconds (the rest is queued again), so
# every send in it, like a single send, begins at most SEND_TIME_LIMIT s before the kill.
BATCH_TIME_BUDGET = 15


def _queue_batch(reminder_ids: list[int]) -> None:
    # Run on commit. A broker that does not take the message costs nothing but time: the
    # rows stay claimed, and the next dispatcher run after the lease claims them again.
    try:
        send_reminders.delay(reminder_ids)
    except BrokerUnavailable:
        logger.warning(
            "The broker did not take a batch of %s reminders; they are claimed again after "
            "the lease.",
            len(reminder_ids),
        )


@shared_task(
    name="reminders.tasks.dispatch_due_reminders",
    acks_late=True,
    time_limit=120,
    soft_time_limit=100,
    ignore_result=True,
)
def dispatch_due_reminders() -> int:
    """Claim due reminders (and retries whose time has come) in batches; after each commits,
    queue a send task per SEND_BATCH_SIZE."""
    if dispatch.in_quiet_hours() is not None:
        return 0
    queued = 0
    limit = settings.REMINDER_DISPATCH_MAX
    while queued < limit:
        size = min(dispatch.CLAIM_BATCH_SIZE, limit - queued)
        with transaction.atomic():
            ids = dispatch.reminders_claim_due(batch_size=size)
            step = dispatch.SEND_BATCH_SIZE
            for start in range(0, len(ids), step):
                chunk = ids[start : start + step]
                transaction.on_commit(partial(_queue_batch, chunk))
        queued += len(ids)
        if len(ids) < size:
            break
    if queued:
        logger.info("Queued %s reminders.", queued)
    return queued


@shared_task(
    name="reminders.tasks.send_reminders",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=SEND_TIME_LIMIT,
    soft_time_limit=SEND_SOFT_TIME_LIMIT,
    ignore_result=True,
)
def send_reminders(reminder_ids: list[int]) -> dict[str, str]:
    """Send a batch of claimed reminders over one mail connection; answers the outcome per id.

    A failure is recorded on its row, which waits for its next try in the outbox (the
    dispatcher takes it again): nothing is retried from a worker's memory. Ids left when the
    time budget runs out are queued as a new batch.
    """
    result = dispatch.reminders_send_batch(
        reminder_ids=list(reminder_ids), time_budget=BATCH_TIME_BUDGET
    )
    if result.rest:
        send_reminders.delay(result.rest)
    outcomes = list(result.outcomes.values())
    logger.info(
        "Batch of %s reminders: %s sent, %s to retry, %s held, %s failed, %s queued again.",
        len(reminder_ids),
        outcomes.count("sent"),
        outcomes.count("retry"),
        outcomes.count("held"),
        outcomes.count("failed"),
        len(result.rest),
    )
    return {str(k): v for k, v in result.outcomes.items()}


@shared_task(
    name="reminders.tasks.send_reminder",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=SEND_TIME_LIMIT,
    soft_time_limit=SEND_SOFT_TIME_LIMIT,
    ignore_result=True,
)
def send_reminder(reminder_id: int) -> str:
    """Send one claimed reminder once; a failure waits for its next try in the outbox."""
    outcome = dispatch.reminder_send(reminder_id=reminder_id)
    logger.info("Reminder %s: %s.", reminder_id, outcome)
    return outcome


@shared_task(
    name="reminders.tasks.alert_failed_reminders",
    acks_late=True,
    time_limit=60,
    soft_time_limit=50,
    ignore_result=True,
)
def alert_failed_reminders() -> int:
    """Email the clinic's admins about reminders that failed since the last alert."""
    return alerts.reminders_alert_failures()
