"""Rehab's demo data: a few sessions this week for each demo case that has its physio."""

from __future__ import annotations

from clinic import roles
from clinic.errors import Conflict
from diary.demo_booking import demo_slot
from rehab.services.sessions import session_schedule

SESSIONS_PER_CASE = 3
# A demo patient is never booked twice at once: a slot that clashes with their consultation
# gives way to another of the physio's free slots.
TRIES = 5


def demo_sessions(*, patient, index: int, staff: dict) -> None:
    """Reception books the case's sessions with its physio, on free slots of their week."""
    for case in patient.cases.filter(assigned_physio__isnull=False):
        for nth in range(SESSIONS_PER_CASE):
            for attempt in range(TRIES):
                at = demo_slot(
                    practitioner=case.assigned_physio,
                    index=index,
                    nth=nth + attempt * SESSIONS_PER_CASE,
                    duration_minutes=45,
                )
                if at is None:
                    break
                try:
                    session_schedule(case=case, scheduled_at=at, by=staff[roles.RECEPTION])
                except Conflict as exc:
                    if exc.code != "patient_busy":
                        raise
                else:
                    break
