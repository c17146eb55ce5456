"""A programme's adherence: logged item-days over prescribed item-days, pure (no Django).

The design's formula: over the last 14 days, or since the programme started if that is later,
each item is prescribed ``per_week * days / 7`` times; adherence is the share of those that
the log ticked, as a whole percentage. Extra days (more than prescribed) do not push it past
100: a runner who does more than asked has followed the programme, not more than followed it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

ADHERENCE_WINDOW_DAYS = 14


def adherence_window(*, today: date, starts_on: date) -> tuple[date, int]:
    """The first day counted and how many days (today included); 0 for a future start."""
    first = max(today - timedelta(days=ADHERENCE_WINDOW_DAYS - 1), starts_on)
    return first, max((today - first).days + 1, 0)


def adherence_percent(*, per_week: Iterable[int], logged_item_days: int, days: int) -> int | None:
    """Logged ÷ prescribed item-days in percent (0-100); None when nothing was prescribed yet."""
    prescribed = sum(per_week) * days / 7
    if prescribed <= 0:
        return None
    return min(100, round(100 * logged_item_days / prescribed))
