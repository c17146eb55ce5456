"""Celery tasks of the portal."""

from __future__ import annotations

from celery import shared_task

from portal.services import outcome_requests_tick


@shared_task(name="portal.tasks.outcome_requests_due", ignore_result=True, time_limit=300)
def outcome_requests_due() -> dict[str, int]:
    """Write the plans' default questionnaires that came due, send the due, expire the stale."""
    return outcome_requests_tick()
