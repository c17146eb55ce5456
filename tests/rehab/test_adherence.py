"""Adherence to a home exercise programme: the design's formula, plain pytest."""

from __future__ import annotations

from datetime import date

from rehab.adherence import adherence_percent, adherence_window

TODAY = date(2026, 12, 1)


def test_it_counts_the_last_14_days_of_an_older_programme() -> None:
    assert adherence_window(today=TODAY, starts_on=date(2026, 10, 1)) == (date(2026, 11, 18), 14)


def test_it_counts_since_the_start_of_a_newer_programme() -> None:
    assert adherence_window(today=TODAY, starts_on=date(2026, 11, 29)) == (date(2026, 11, 29), 3)


def test_it_counts_one_day_for_a_programme_starting_today() -> None:
    assert adherence_window(today=TODAY, starts_on=TODAY) == (TODAY, 1)


def test_it_answers_the_share_of_prescribed_item_days() -> None:
    # Two items, 7 and 3 days a week, over 14 days: 14 + 6 = 20 item-days; 15 logged.
    assert adherence_percent(per_week=[7, 3], logged_item_days=15, days=14) == 75


def test_it_never_passes_100() -> None:
    assert adherence_percent(per_week=[3], logged_item_days=14, days=14) == 100


def test_it_answers_none_when_nothing_is_prescribed() -> None:
    assert adherence_percent(per_week=[], logged_item_days=0, days=14) is None
    assert adherence_percent(per_week=[3], logged_item_days=0, days=0) is None
