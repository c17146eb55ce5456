"""The seeder's cases end as a clinic's do (benchmarks/seed.py: ``aged``).

A case the status mix drew active but opened months before the anchor has ended (all but a
few per thousand), so one physio's caseload is what a busy clinic has, not two thousand.
"""

from __future__ import annotations

import random
from datetime import timedelta

from benchmarks import seed


def test_a_recent_active_case_stays_active():
    opened = seed.ANCHOR - timedelta(days=seed.ACTIVE_FOR_DAYS)
    rng = random.Random(1)
    assert [seed.aged(rng, "in_rehab", opened) for _ in range(50)] == ["in_rehab"] * 50


def test_an_old_active_case_has_ended_but_for_about_one_in_a_hundred():
    opened = seed.ANCHOR - timedelta(days=seed.ACTIVE_FOR_DAYS + 1)
    rng = random.Random(7)
    drawn = [seed.aged(rng, "triaged", opened) for _ in range(20_000)]
    still = drawn.count("triaged")
    assert 100 <= still <= 300  # 10 per mille of 20,000 is 200
    ended = len(drawn) - still
    assert drawn.count("discharged") + drawn.count("closed") == ended
    assert 0.12 < drawn.count("closed") / ended < 0.20  # 16 % of the ended are closed


def test_an_ended_case_keeps_its_status_whatever_its_age():
    rng = random.Random(3)
    old = seed.ANCHOR - timedelta(days=900)
    assert seed.aged(rng, "discharged", old) == "discharged"
    assert seed.aged(rng, "closed", old) == "closed"
