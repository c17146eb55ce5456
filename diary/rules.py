"""Where a booking may go: the practitioner's windows of a day, in clinic time.

Reads the practitioner's ``Availability`` rows, else the clinic's opening hours
(``CLINIC_OPENING_HOURS``). Shared by the booking rule (``diary.services``) and the free slots
(``diary.selectors``), so both answer the same question the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from diary.hours import DAY_MINUTES, parse_opening_hours
from diary.models import Availability

GRID_MINUTES = 15


@dataclass(frozen=True)
class Window:
    """An open span of one day, in minutes since the clinic's midnight; ``room_id`` its room."""

    start: int
    end: int
    room_id: int | None = None


def clinic_week() -> dict[int, list[Window]]:
    """Weekday -> the clinic's opening hours (``CLINIC_OPENING_HOURS``)."""
    return {
        day: [Window(start, end) for start, end in spans]
        for day, spans in parse_opening_hours(settings.CLINIC_OPENING_HOURS).items()
    }


def week_of(practitioner) -> dict[int, list[Window]]:
    """Weekday -> the practitioner's windows (their availability rows, else opening hours)."""
    return _week(list(Availability.objects.filter(practitioner=practitioner)))


def weeks_of(practitioner_ids) -> dict[int, dict[int, list[Window]]]:
    """``week_of`` for several practitioners in one query: {practitioner id: week}."""
    rows: dict[int, list[Availability]] = {pk: [] for pk in practitioner_ids}
    for row in Availability.objects.filter(practitioner__in=list(rows)):
        rows[row.practitioner_id].append(row)
    return {pk: _week(theirs) for pk, theirs in rows.items()}


def _week(rows: list[Availability]) -> dict[int, list[Window]]:
    if not rows:
        return clinic_week()
    week: dict[int, list[Window]] = {day: [] for day in range(7)}
    for row in rows:
        end = row.end_time.hour * 60 + row.end_time.minute
        week[row.weekday].append(
            Window(row.start_time.hour * 60 + row.start_time.minute, end, row.room_id)
        )
    return week


def day_pieces(starts_at: dt.datetime, ends_at: dt.datetime) -> list[tuple[dt.date, int, int]]:
    """A span cut at the clinic's midnights: (day, first minute, last minute) per day."""
    start = timezone.localtime(starts_at)
    end = timezone.localtime(ends_at)
    pieces = []
    day = start.date()
    while True:
        first = start.hour * 60 + start.minute if day == start.date() else 0
        if day == end.date():
            last = end.hour * 60 + end.minute
            if last > first:
                pieces.append((day, first, last))
            return pieces
        pieces.append((day, first, DAY_MINUTES))
        day += dt.timedelta(days=1)


def window_for(
    week: dict[int, list[Window]], starts_at: dt.datetime, ends_at: dt.datetime
) -> Window | None:
    """The window that holds the span's start, when windows hold all of it; else None.

    A span that runs past midnight must be held on each day it touches (a clinic open
    around the clock, or a practitioner's night window that ends at 24:00).
    """
    found = None
    for day, start, end in day_pieces(starts_at, ends_at):
        window = next((w for w in week[day.weekday()] if w.start <= start and end <= w.end), None)
        if window is None:
            return None
        found = found or window
    return found


def at_minute(day: dt.date, minute: int) -> dt.datetime:
    """The aware instant ``minute`` minutes after the clinic's midnight of ``day``."""
    midnight = timezone.make_aware(dt.datetime.combine(day, dt.time(0)))
    return midnight + dt.timedelta(minutes=minute)
