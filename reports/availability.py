"""Available minutes: the denominator of utilisation (booked ÷ available minutes).

A practitioner could be booked in their diary's weekly windows (``diary.Availability``), or,
with no window at all, in the clinic's opening hours (``CLINIC_OPENING_HOURS``), as the
booking rule reads them (``diary.rules.week_of``), minus their time off (``diary.TimeOff``).
Two queries for any number of practitioners and any period: the windows and the time off;
the rest is arithmetic on the timetable (no patient data).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from diary.hours import parse_opening_hours
from diary.models import Availability, TimeOff
from diary.rules import day_pieces

Span = tuple[int, int]


def _merged(spans: Iterable[Span]) -> list[Span]:
    """Spans (minutes) as disjoint sorted spans: an overlap is counted once."""
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def weekday_counts(start: date, end: date) -> dict[int, int]:
    """How many of each weekday (0 = Monday) lie from ``start`` to ``end``, both included."""
    weeks, rest = divmod((end - start).days + 1, 7)
    counts = dict.fromkeys(range(7), weeks)
    for offset in range(rest):
        counts[(start + timedelta(days=weeks * 7 + offset)).weekday()] += 1
    return counts


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def available_minutes(*, practitioner_ids: Iterable[int], start: date, end: date) -> dict[int, int]:
    """The minutes each practitioner could be booked from ``start`` to ``end`` (both included)."""
    ids = list(practitioner_ids)
    opening = {
        day: _merged(spans)
        for day, spans in parse_opening_hours(settings.CLINIC_OPENING_HOURS).items()
    }
    windows: dict[int, dict[int, list[Span]]] = {}
    for pk, weekday, opens, closes in Availability.objects.filter(
        practitioner_id__in=ids
    ).values_list("practitioner_id", "weekday", "start_time", "end_time"):
        windows.setdefault(pk, {day: [] for day in range(7)})[weekday].append(
            (_minutes(opens), _minutes(closes))
        )
    weeks = {
        pk: {day: _merged(spans) for day, spans in windows[pk].items()}
        if pk in windows
        else opening
        for pk in ids
    }
    counts = weekday_counts(start, end)
    total = {
        pk: sum(counts[day] * sum(b - a for a, b in week[day]) for day in range(7))
        for pk, week in weeks.items()
    }
    since, until = _aware(start), _aware(end + timedelta(days=1))
    away: dict[int, list[tuple[datetime, datetime]]] = {}
    for pk, starts_at, ends_at in TimeOff.objects.filter(
        practitioner_id__in=ids, starts_at__lt=until, ends_at__gt=since
    ).values_list("practitioner_id", "starts_at", "ends_at"):
        away.setdefault(pk, []).append((max(starts_at, since), min(ends_at, until)))
    for pk, spans in away.items():
        # Per day, the time off (merged: two overlapping spans are away once) within the windows.
        by_day: dict[date, list[Span]] = {}
        for starts_at, ends_at in spans:
            for day, first, last in day_pieces(starts_at, ends_at):
                by_day.setdefault(day, []).append((first, last))
        for day, pieces in by_day.items():
            for first, last in _merged(pieces):
                for opens, closes in weeks[pk][day.weekday()]:
                    total[pk] -= max(0, min(closes, last) - max(opens, first))
    return total
