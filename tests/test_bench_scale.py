"""benchmarks/scale.py's verdict: a list or page whose p95 grows by more than 30 % misses."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import scale


def test_growth_is_relative_to_the_small_scale():
    assert scale.growth(100.0, 130.0) == pytest.approx(0.30)
    assert scale.growth(100.0, 80.0) == pytest.approx(-0.20)
    assert scale.growth(0.0, 5.0) is None


def test_a_list_meets_the_target_up_to_30_percent_and_misses_above():
    small = {"p50": 10.0, "p95": 100.0}
    assert scale.verdict("cases_list", small, {"p50": 12.0, "p95": 130.0})["met"] is True
    missed = scale.verdict("cases_list", small, {"p50": 12.0, "p95": 131.0})
    assert missed["met"] is False
    assert missed["p50_growth"] == pytest.approx(0.20)
    assert missed["p95_growth"] == pytest.approx(0.31)


def test_a_report_is_shown_but_not_judged_by_the_list_target():
    judged = scale.verdict("report_attendance", {"p50": 1.0, "p95": 1.0}, {"p50": 9.0, "p95": 9.0})
    assert judged["aggregate"] is True
    assert judged["met"] is None
    assert judged["p95_growth"] == pytest.approx(8.0)
