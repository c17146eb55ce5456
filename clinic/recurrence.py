"""Recurrence: a new case on the same ankle soon after a discharge. Pure, no Django.

Fuller et al., "Consensus statement on injury definitions and data collection procedures in
studies of football (soccer) injuries", Br J Sports Med 2006;40:193-201: a recurrent injury is
an injury of the same type and at the same site as an index injury, after the return to full
participation; "early" within 2 months, "late" from 2 to 12 months. Talus links a new case on
the same side within 12 months of a discharge (docs/design.md, "Return to run and discharge";
docs/clinical.md, "Recurrence").
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

RECURRENCE_MONTHS = 12


@dataclass(frozen=True)
class EarlierCase:
    """A patient's earlier case as the rule needs it: its id, side and discharge time."""

    id: int
    side: str
    discharged_at: datetime | None


def months_before(moment: datetime, months: int) -> datetime:
    """The same moment ``months`` calendar months earlier (31 March - 1 month: 28/29 Feb)."""
    years, month_index = divmod(moment.month - 1 - months, 12)
    year, month = moment.year + years, month_index + 1
    return moment.replace(
        year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1])
    )


def sides_match(new_side: str, earlier_side: str) -> bool:
    """The same ankle: equal sides, or either case is about both ankles; unknown never matches."""
    if not new_side or not earlier_side:
        return False
    return new_side == earlier_side or "both" in (new_side, earlier_side)


def recurrence_of(*, side: str, opened_at: datetime, earlier: Iterable[EarlierCase]) -> int | None:
    """The earlier case a new one recurs: the latest discharged on the same side within 12 months.

    Within means discharged at or after the same moment 12 months before the new case opened,
    and not after it opened (Fuller 2006: recurrences up to 12 months).
    """
    since = months_before(opened_at, RECURRENCE_MONTHS)
    matches = [
        case
        for case in earlier
        if case.discharged_at is not None
        and since <= case.discharged_at <= opened_at
        and sides_match(side, case.side)
    ]
    if not matches:
        return None
    return max(matches, key=lambda case: (case.discharged_at, case.id)).id
