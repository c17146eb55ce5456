"""Core Celery tasks, and the one way web code queues a task."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnavailable

from clinic.idempotency import purge_expired
from clinic.security import sign_ins

logger = logging.getLogger(__name__)


@shared_task(name="clinic.ping")
def ping(token: str) -> str:
    """Echo a token back: proves a round trip through the broker and a worker."""
    return f"pong:{token}"


@shared_task(name="clinic.purge_idempotency_keys")
def purge_idempotency_keys() -> int:
    """Delete the idempotency keys past their 24 hours (the number deleted)."""
    return purge_expired()


@shared_task(name="clinic.purge_expired_tokens")
def purge_expired_tokens() -> int:
    """Delete the API tokens past their lifetime (the number deleted)."""
    return sign_ins.tokens_purge_expired()


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task`` once the current transaction commits; never fail the request for it.

    A broker that is down (Redis away) is logged, not raised: the transaction has already
    committed its outbox row, which is the truth, and the periodic task that reads the
    outbox picks it up later. ``robust``: any other error in the publish is logged too,
    instead of turning a committed request into a 500.
    """

    def publish() -> None:
        try:
            task.apply_async(args=args, kwargs=kwargs)
        except (BrokerUnavailable, OSError):
            logger.warning("The broker did not take %s; the outbox keeps the work.", task.name)

    transaction.on_commit(publish, robust=True)
