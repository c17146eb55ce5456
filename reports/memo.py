"""Figures worked out from the aggregates, kept in the process until the aggregates change.

The aggregates (reports/aggregates.py) are written only by a refresh, which moves
``AggregateState.generation`` on in the same transaction. A figure worked out from them for
one query and one role is therefore the same for as long as the generation has not moved: it
is kept here under (what, the query, the role, the generation), so the report opened again —
the reports' index, the same period by another doctor — reads no facts. That matters for what
grows with the clinic: a year of measure facts (the outcomes' cases counted once each, which
no per-day sum gives) is 31,000 rows at 100,000 patients and 310,000 at a million.

Per process, bounded (``SIZE`` entries, the least recently used dropped first), nothing
shared between processes and nothing about a patient kept: counts per instrument, condition
and physio id. Figures read from live records (imaging's referrals, the clinic's hours) are
not kept here: only what the aggregates alone decide.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import TypeVar

from reports.models import AggregateState

T = TypeVar("T")

SIZE = 256

_kept: OrderedDict[Hashable, object] = OrderedDict()
_lock = threading.Lock()


def state() -> tuple[datetime | None, int | None]:
    """When the aggregates were last refreshed and their generation (None, None: never)."""
    row = AggregateState.objects.filter(pk=1).values_list("refreshed_at", "generation").first()
    return row if row is not None else (None, None)


def kept(key: Hashable, at: int | None, work: Callable[[], T]) -> T:
    """``work()``, or what it answered for ``key`` at the aggregates' generation ``at``.

    ``at`` is read before the work's own reads: a refresh committing in between makes the
    work see newer rows than ``at`` says, which only keeps a newer figure under an older
    generation that no request reads once the new one is committed.
    """
    if at is None:
        return work()
    entry = (key, at)
    with _lock:
        if entry in _kept:
            _kept.move_to_end(entry)
            return _kept[entry]  # type: ignore[return-value]
    value = work()
    with _lock:
        _kept[entry] = value
        _kept.move_to_end(entry)
        while len(_kept) > SIZE:
            _kept.popitem(last=False)
    return value


def forget() -> None:
    """Drop everything kept (tests; a process that rebuilt the aggregates by hand)."""
    with _lock:
        _kept.clear()
