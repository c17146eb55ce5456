"""Celery tasks of the rehab app: the reminder dispatcher and the senders.

All take ids (or nothing), reload, check state, then act through
``rehab.services.reminders``; running any of them twice does no harm.
"""

from __future__ import annotations

import logging
from functools import partial

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.db import transaction

from rehab.reminder_models import MAX_ATTEMPTS
from rehab.services import reminders as services

logger = logging.getLogger(__name__)

# The hard limit must stay below REMINDER_LEASE_SECONDS (60 s at least): a send still
# running is never claimed again. EMAIL_TIMEOUT (10 s) keeps an SMTP call well inside it.
SEND_TIME_LIMIT = 30
SEND_SOFT_TIME_LIMIT = 25
# A batch starts no new message after this many seconds (the rest is queued again), so
# every send in it, like a single send, begins at most SEND_TIME_LIMIT s before the kill.
BATCH_TIME_BUDGET = 15
# Backoff of a retry: 1, 2, 4, 8 … s, capped, with full jitter (as Celery's retry_backoff).
RETRY_BACKOFF_MAX = 60


def retry_countdown(attempts: int) -> int:
    """Seconds before the next try of a reminder that has had ``attempts`` tries."""
    return get_exponential_backoff_interval(
        factor=1, retries=attempts - 1, maximum=RETRY_BACKOFF_MAX, full_jitter=True
    )


@shared_task(
    name="rehab.tasks.dispatch_due_reminders",
    acks_late=True,
    time_limit=120,
    soft_time_limit=100,
    ignore_result=True,
)
def dispatch_due_reminders() -> int:
    """Claim due reminders in batches; after each commits, queue a send task per SEND_BATCH_SIZE."""
    if services.in_quiet_hours() is not None:
        return 0
    queued = 0
    limit = settings.REMINDER_DISPATCH_MAX
    while queued < limit:
        size = min(services.CLAIM_BATCH_SIZE, limit - queued)
        with transaction.atomic():
            ids = services.reminders_claim_due(batch_size=size)
            step = services.SEND_BATCH_SIZE
            for start in range(0, len(ids), step):
                chunk = ids[start : start + step]
                transaction.on_commit(partial(send_reminders.delay, chunk))
        queued += len(ids)
        if len(ids) < size:
            break
    if queued:
        logger.info("Queued %s reminders.", queued)
    return queued


@shared_task(
    name="rehab.tasks.send_reminders",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=SEND_TIME_LIMIT,
    soft_time_limit=SEND_SOFT_TIME_LIMIT,
    ignore_result=True,
)
def send_reminders(reminder_ids: list[int]) -> dict[str, str]:
    """Send a batch of claimed reminders over one mail connection; answers the outcome per id.

    A transient failure is retried alone, by ``send_reminder`` after a backoff; the rest of
    the batch goes on. Ids left when the time budget runs out are queued as a new batch.
    """
    result = services.reminders_send_batch(
        reminder_ids=list(reminder_ids), time_budget=BATCH_TIME_BUDGET
    )
    for reminder_id, attempts in result.retries.items():
        send_reminder.apply_async(args=[reminder_id], countdown=retry_countdown(attempts))
    if result.rest:
        send_reminders.delay(result.rest)
    logger.info(
        "Batch of %s reminders: %s done, %s retried alone, %s queued again.",
        len(reminder_ids),
        len(result.outcomes) - len(result.retries),
        len(result.retries),
        len(result.rest),
    )
    return {str(k): v for k, v in result.outcomes.items()}


@shared_task(
    bind=True,
    name="rehab.tasks.send_reminder",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=SEND_TIME_LIMIT,
    soft_time_limit=SEND_SOFT_TIME_LIMIT,
    autoretry_for=(services.TransientSendError,),
    retry_backoff=True,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=MAX_ATTEMPTS - 1,
    ignore_result=True,
)
def send_reminder(self, reminder_id: int) -> str:
    """Send one claimed reminder once; a transient failure is retried, five attempts at most."""
    outcome = services.reminder_send(reminder_id=reminder_id)
    logger.info("Reminder %s: %s.", reminder_id, outcome)
    return outcome
