"""Available minutes: the denominator of utilisation (booked ÷ available minutes).

Until the diary's availability rows are merged, every practitioner works the clinic's opening
hours (``CLINIC_OPENING_HOURS``, default ``mon-fri 08:00-19:00``, clinic time), as the design
says of a practitioner with no availability rows. ``available_minutes`` is the one function the
diary replaces: it answers the minutes each practitioner could be booked in the period.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_opening_hours(value: str) -> dict[int, int]:
    """``"mon-fri 08:00-19:00, sat 09:00-12:00"`` → minutes open per weekday (0 = Monday).

    Each comma-separated part is a day or a range of days, then a time range; a day named
    twice adds its hours.
    """
    minutes: dict[int, int] = {}
    pattern = (
        r"\s*(mon|tue|wed|thu|fri|sat|sun)(?:-(mon|tue|wed|thu|fri|sat|sun))?\s+"
        r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)\s*"
    )
    for part in value.lower().split(","):
        match = re.fullmatch(pattern, part)
        if not match:
            raise ImproperlyConfigured(
                f"CLINIC_OPENING_HOURS must look like 'mon-fri 08:00-19:00', not {part.strip()!r}."
            )
        first, last, h1, m1, h2, m2 = match.groups()
        start_day, end_day = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
        opens, closes = int(h1) * 60 + int(m1), int(h2) * 60 + int(m2)
        if end_day < start_day or closes <= opens or closes > 24 * 60:
            raise ImproperlyConfigured(f"CLINIC_OPENING_HOURS: {part.strip()!r} is empty.")
        for day in range(start_day, end_day + 1):
            minutes[day] = minutes.get(day, 0) + closes - opens
    return minutes


def opening_minutes(start: date, end: date, hours: dict[int, int]) -> int:
    """The minutes the clinic is open from ``start`` to ``end``, both days included."""
    days = (end - start).days + 1
    weeks, rest = divmod(days, 7)
    total = weeks * sum(hours.values())
    for offset in range(rest):
        total += hours.get((start + timedelta(days=weeks * 7 + offset)).weekday(), 0)
    return total


def available_minutes(*, practitioner_ids: Iterable[int], start: date, end: date) -> dict[int, int]:
    """The minutes each practitioner could be booked from ``start`` to ``end`` (both included)."""
    minutes = opening_minutes(start, end, parse_opening_hours(settings.CLINIC_OPENING_HOURS))
    return {pk: minutes for pk in practitioner_ids}
