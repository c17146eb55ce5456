"""What the reports' tests write: a judged NPRS measure of a case at a moment."""

from __future__ import annotations

import datetime as dt

from rehab.models import OutcomeMeasure


def measure(case, physio, when: dt.datetime, reached: bool | None) -> OutcomeMeasure:
    """An NPRS measure recorded at ``when``; ``reached``: its MCID judgement (None: a baseline)."""
    return OutcomeMeasure.objects.create(
        case=case,
        instrument="nprs",
        answers=[],
        score=3,
        score_max=10,
        interpretation="",
        mcid_reached=reached,
        recorded_by=physio,
        recorded_at=when,
    )
