"""A patient's bookings, gathered from the apps that hold them (a registry, like the panels).

Each app that books people gives ``fn(patient, user) -> Iterable[Booking]`` through
``@register_bookings`` in its ``panels.py`` (physiotherapy sessions today; doctors'
consultations join the same list). The patient record shows them in one list
(``templates/clinic/_bookings.html``), upcoming then past, each with the links to its own
pages (move, cancel, log) the user may follow. A source reads through its app's scoping
selectors; the page audits every booking shown (``record``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from clinic.panels import panels


@dataclass(frozen=True)
class Booking:
    """One appointment of a patient, as the patient record lists it."""

    kind: str
    starts_at: datetime
    duration_minutes: int
    practitioner: Any
    status: str
    status_label: str
    case: Any
    record: Any
    links: tuple[tuple[str, str], ...] = field(default=())


Source = Callable[..., Iterable[Booking]]
_SOURCES: list[Source] = []


def register_bookings(fn: Source) -> Source:
    """Add a source of bookings to the patient record (usable as a decorator)."""
    if fn not in _SOURCES:
        _SOURCES.append(fn)
    return fn


def patient_bookings(patient, user) -> tuple[list[Booking], list[Booking]]:
    """The patient's bookings the user may see: (upcoming, soonest first; past, latest first)."""
    panels()  # imports every app's panels module, where the sources register
    found = [booking for source in _SOURCES for booking in source(patient, user)]
    now = timezone.now()
    upcoming = sorted((b for b in found if b.starts_at >= now), key=lambda b: b.starts_at)
    past = sorted((b for b in found if b.starts_at < now), key=lambda b: b.starts_at, reverse=True)
    return upcoming, past
