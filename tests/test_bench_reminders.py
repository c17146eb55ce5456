"""The reminder benchmark's counting (benchmarks/reminders/counting.py): what it prints is right.

The benchmark itself takes minutes and a broker; its arithmetic is pure and checked here.
"""

from __future__ import annotations

from benchmarks.reminders.counting import first_share_at, rate, ratio, tally


def test_tally_tells_duplicates_retransmissions_and_lost_apart():
    recipients = ["a@x", "b@x", "c@x", "d@x"]
    received = {"a@x": 1, "b@x": 2, "c@x": 3, "other@x": 5}  # d@x got nothing
    distinct = {"a@x": 1, "b@x": 1, "c@x": 2, "other@x": 5}  # c@x: 2 different messages
    result = tally(recipients, received, distinct)
    assert result.expected == 4
    assert result.messages == 6  # another phase's address is not counted
    assert result.duplicates == 1  # c@x's second, different message
    assert result.retransmissions == 2  # b@x once, c@x once: the same Message-ID again
    assert result.lost == 1
    assert not result.exactly_once


def test_exactly_once_when_each_recipient_has_one_message():
    result = tally(["a@x", "b@x"], {"a@x": 2, "b@x": 1}, {"a@x": 1, "b@x": 1})
    assert (result.duplicates, result.retransmissions, result.lost) == (0, 1, 0)
    assert result.exactly_once  # a retransmission is the same message, shown once


def test_rates_and_ratio():
    assert rate(10_000, 40.0) == 250.0
    assert rate(10, 0) is None
    assert rate(10, None) is None
    assert ratio(250.0, 500.0) == 0.5
    assert ratio(None, 500.0) is None
    assert ratio(250.0, 0) is None


def test_first_share_at_is_the_arrival_that_makes_99_percent():
    arrivals = [float(n) for n in range(1, 10_001)]  # the n-th message at n seconds
    assert first_share_at(arrivals, 10_000) == 9_900.0  # the 9,900th, not the 9,901st
    assert first_share_at(arrivals[:9_899], 10_000) is None
    assert first_share_at([0.5], 1) == 0.5
