"""Celery tasks of the rehab app: the reminder dispatcher and the sender.

Both take ids (or nothing), reload, check state, then act through
``rehab.services.reminders``; running either twice does no harm.
"""

from __future__ import annotations

import logging
from functools import partial

from celery import shared_task
from django.db import transaction

from rehab.reminder_models import MAX_ATTEMPTS
from rehab.services import reminders as services

logger = logging.getLogger(__name__)

# The hard limit must stay below REMINDER_LEASE_SECONDS (60 s at least): a send still
# running is never claimed again. EMAIL_TIMEOUT (10 s) keeps an SMTP call well inside it.
SEND_TIME_LIMIT = 30
SEND_SOFT_TIME_LIMIT = 25


@shared_task(
    name="rehab.tasks.dispatch_due_reminders",
    acks_late=True,
    time_limit=120,
    soft_time_limit=100,
    ignore_result=True,
)
def dispatch_due_reminders() -> int:
    """Claim due reminders in batches and queue one send task each, after each batch commits."""
    if services.in_quiet_hours() is not None:
        return 0
    queued = 0
    while queued < services.CLAIM_LIMIT_PER_RUN:
        with transaction.atomic():
            ids = services.reminders_claim_due(batch_size=services.CLAIM_BATCH_SIZE)
            for reminder_id in ids:
                transaction.on_commit(partial(send_reminder.delay, reminder_id))
        queued += len(ids)
        if len(ids) < services.CLAIM_BATCH_SIZE:
            break
    if queued:
        logger.info("Queued %s reminders.", queued)
    return queued


@shared_task(
    bind=True,
    name="rehab.tasks.send_reminder",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=SEND_TIME_LIMIT,
    soft_time_limit=SEND_SOFT_TIME_LIMIT,
    autoretry_for=(services.TransientSendError,),
    retry_backoff=True,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=MAX_ATTEMPTS - 1,
    ignore_result=True,
)
def send_reminder(self, reminder_id: int) -> str:
    """Send one claimed reminder once; a transient failure is retried, five attempts at most."""
    outcome = services.reminder_send(reminder_id=reminder_id)
    logger.info("Reminder %s: %s.", reminder_id, outcome)
    return outcome
