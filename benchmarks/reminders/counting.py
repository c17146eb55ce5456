"""The reminder benchmark's arithmetic: what each recipient received, and the rates.

Pure functions over the SMTP server's counters (no Django, no I/O), so that the test
suite checks exactly what the benchmark prints (tests/test_bench_reminders.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Tally:
    """What the expected recipients of one phase received."""

    expected: int
    messages: int  # every delivery to an expected recipient, retransmissions included
    duplicates: int  # different messages (Message-IDs) beyond the first per recipient
    retransmissions: int  # the same message (same Message-ID) delivered again
    lost: int  # recipients that received nothing

    @property
    def exactly_once(self) -> bool:
        return self.duplicates == 0 and self.lost == 0


def tally(
    recipients: Iterable[str], received: Mapping[str, int], distinct: Mapping[str, int]
) -> Tally:
    """Count per recipient: ``received`` deliveries, ``distinct`` different Message-IDs.

    Deliveries to other addresses (another phase's) are not counted.
    """
    expected = messages = duplicates = retransmissions = lost = 0
    for recipient in recipients:
        expected += 1
        got = received.get(recipient, 0)
        different = distinct.get(recipient, 0)
        messages += got
        duplicates += max(0, different - 1)
        retransmissions += got - different
        lost += got == 0
    return Tally(expected, messages, duplicates, retransmissions, lost)


def rate(messages: int, seconds: float | None) -> float | None:
    """Messages per second; None when the time is unknown or zero."""
    if not seconds or seconds <= 0:
        return None
    return messages / seconds


def ratio(ours: float | None, baseline: float | None) -> float | None:
    """Talus's rate over the baseline's; None when either is missing."""
    if ours is None or not baseline:
        return None
    return ours / baseline


def first_share_at(arrivals: list[float], count: int, share: float = 0.99) -> float | None:
    """The arrival time (seconds from the start) by which ``share`` of ``count`` were in.

    ``arrivals`` are the phase's delivery times in order; with a kill the last few wait
    for the lease, and this rate leaves that tail out. None if fewer ever arrived.
    """
    needed = max(1, math.ceil(round(count * share, 6)))  # 10,000 x 0.99 is 9,900, not 9,901
    if len(arrivals) < needed:
        return None
    return arrivals[needed - 1]
