"""Where a demo booking goes: a free start this week, spread by the patient's index."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from diary.selectors import free_slots


def demo_slot(*, practitioner, index: int, nth: int, duration_minutes: int) -> dt.datetime | None:
    """A free start in the coming week (after the next hour), or None when the week is full."""
    today = timezone.localdate()
    soon = timezone.now() + dt.timedelta(hours=1)
    slots = [
        at
        for at in free_slots(
            practitioner=practitioner,
            first_day=today,
            last_day=today + dt.timedelta(days=6),
            duration_minutes=duration_minutes,
        )
        if at >= soon
    ]
    if not slots:
        return None
    return slots[(index * 7 + nth * 13) % len(slots)]
