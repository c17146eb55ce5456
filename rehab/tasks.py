"""Celery tasks of the rehab app."""

from __future__ import annotations

from celery import shared_task

from rehab import caseload_order


@shared_task(name="rehab.refresh_caseload_order")
def refresh_caseload_order() -> int:
    """Move on the caseload's order of the cases whose next session has begun (beat: 5 min)."""
    return caseload_order.catch_up()
