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
    """``week_of`` for several practitioners in one query: {practitioner id: week}.

    The rows are read as values, not model instances (a day of 25 practitioners holds a few
    hundred windows), and the clinic's opening hours parsed once for all who have none.
    """
    windows: dict[int, list[tuple]] = {pk: [] for pk in practitioner_ids}
    rows = Availability.objects.filter(practitioner__in=list(windows)).values_list(
        "practitioner_id", "weekday", "start_time", "end_time", "room_id"
    )
    for practitioner_id, *window in rows:
        windows[practitioner_id].append(window)
    opening = clinic_week() if any(not theirs for theirs in windows.values()) else {}
    return {
        pk: _week_of_windows(theirs) if theirs else {d: list(w) for d, w in opening.items()}
        for pk, theirs in windows.items()
    }


def _week(rows: list[Availability]) -> dict[int, list[Window]]:
    if not rows:
        return clinic_week()
    return _week_of_windows(
        [(row.weekday, row.start_time, row.end_time, row.room_id) for row in rows]
    )


def _week_of_windows(rows: list) -> dict[int, list[Window]]:
    """Weekday -> windows, from (weekday, start time, end time, room id) rows."""
    week: dict[int, list[Window]] = {day: [] for day in range(7)}
    for weekday, start, end, room_id in rows:
        week[weekday].append(
            Window(start.hour * 60 + start.minute, end.hour * 60 + end.minute, room_id)
        )
    return week


def day_pieces(
    starts_at: dt.datetime, ends_at: dt.datetime, zone: dt.tzinfo | None = None
) -> list[tuple[dt.date, int, int]]:
    """A span cut at the clinic's midnights: (day, first minute, last minute) per day.

    ``zone``: the clinic's time zone, when the caller cuts many spans (looked up once).
    """
    start = timezone.localtime(starts_at, zone)
    end = timezone.localtime(ends_at, zone)
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
