"""Core Celery tasks."""

from celery import shared_task

from clinic.idempotency import purge_expired


@shared_task(name="clinic.ping")
def ping(token: str) -> str:
    """Echo a token back: proves a round trip through the broker and a worker."""
    return f"pong:{token}"


@shared_task(name="clinic.purge_idempotency_keys")
def purge_idempotency_keys() -> int:
    """Delete the idempotency keys past their 24 hours (the number deleted)."""
    return purge_expired()
