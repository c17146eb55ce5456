"""The clinic's opening hours (``CLINIC_OPENING_HOURS``): a pure parser, no ORM.

The text is one or more comma-separated parts ``<days> <HH:MM>-<HH:MM>``, where ``<days>`` is
a weekday (``mon``) or a range (``mon-fri``); ``24:00`` ends a day. The default,
``mon-fri 08:00-19:00``, is the clinic's week when a practitioner has no availability rows.
A window is a pair of minutes since midnight, start inclusive, end exclusive.
"""

from __future__ import annotations

import re

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_OPENING_HOURS = "mon-fri 08:00-19:00"
DAY_MINUTES = 24 * 60

Window = tuple[int, int]
_PART = re.compile(
    r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+"
    r"(?P<start>\d{2}):(?P<start_m>\d{2})-(?P<end>\d{2}):(?P<end_m>\d{2})$"
)


def _minutes(hours: str, minutes: str) -> int:
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > DAY_MINUTES:
        raise ValueError(f"{hours}:{minutes} is not a time of day.")
    return value


def parse_opening_hours(text: str) -> dict[int, list[Window]]:
    """Weekday (0 = Monday) -> its open windows; ``ValueError`` naming a malformed part."""
    week: dict[int, list[Window]] = {day: [] for day in range(7)}
    for raw in text.split(","):
        part = raw.strip().lower()
        match = _PART.match(part)
        if not match or match["first"] not in DAYS or (match["last"] or "mon") not in DAYS:
            raise ValueError(f"{raw.strip()!r} is not '<day>[-<day>] HH:MM-HH:MM'.")
        first = DAYS.index(match["first"])
        last = DAYS.index(match["last"]) if match["last"] else first
        start = _minutes(match["start"], match["start_m"])
        end = _minutes(match["end"], match["end_m"])
        if last < first or start >= end:
            raise ValueError(f"{raw.strip()!r}: the days and the hours run forwards.")
        for day in range(first, last + 1):
            week[day].append((start, end))
    return week


def fits(windows: list[Window], start: int, end: int) -> bool:
    """Whether the span [start, end) lies wholly inside one of the windows."""
    return any(low <= start and end <= high for low, high in windows)
