"""Core Celery tasks."""

from celery import shared_task


@shared_task(name="clinic.ping")
def ping(token: str) -> str:
    """Echo a token back: proves a round trip through the broker and a worker."""
    return f"pong:{token}"
