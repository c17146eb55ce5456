"""The measurement ranges every app shares (clinic.measures): written once, checked alike."""

from __future__ import annotations

import pytest

from clinic.measures import is_dorsiflexion, is_nprs, is_whole_number


@pytest.mark.parametrize(
    ("value", "whole"), [(0, True), (-3, True), (True, False), (1.0, False), ("1", False)]
)
def test_it_counts_only_ints_as_whole_numbers(value, whole):
    assert is_whole_number(value) is whole


@pytest.mark.parametrize(
    ("value", "rating"), [(0, True), (10, True), (-1, False), (11, False), (True, False)]
)
def test_it_takes_a_pain_rating_from_0_to_10(value, rating):
    assert is_nprs(value) is rating


@pytest.mark.parametrize(
    ("value", "angle"), [(-30, True), (60, True), (-31, False), (61, False), (70, False)]
)
def test_it_takes_a_dorsiflexion_from_minus_30_to_60_degrees(value, angle):
    assert is_dorsiflexion(value) is angle
