"""Celery tasks of the reports: folding the records' changes into the aggregates."""

from __future__ import annotations

from celery import shared_task

from reports import aggregates


@shared_task(name="reports.refresh_aggregates")
def refresh_aggregates() -> dict[str, int]:
    """Rebuild what the pending stale marks name, and today's sessions (beat: every 2 minutes)."""
    return aggregates.refresh_pending()
