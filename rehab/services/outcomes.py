"""Outcome measures: scored on the server, compared with the first measure of the case."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from clinic.models import Case
from rehab.instruments import scoring
from rehab.models import OutcomeMeasure
from rehab.services.common import lock_case, require_assigned_physio


@transaction.atomic
def outcome_record(*, case: Case, instrument: str, answers: list[Any], by) -> OutcomeMeasure:
    """Score the answers (raises scoring.AnswerError) and keep them with the score.

    The case row is locked so that two first measures of one instrument cannot both
    become the MCID baseline.
    """
    case = lock_case(case)
    require_assigned_physio(case, by)
    result = scoring.score(instrument, answers)
    first = (
        OutcomeMeasure.objects.filter(case=case, instrument=instrument)
        .order_by("recorded_at", "id")
        .values_list("score", flat=True)
        .first()
    )
    return OutcomeMeasure.objects.create(
        case=case,
        instrument=instrument,
        answers=answers,
        score=Decimal(str(result.score)),
        score_max=result.score_max,
        interpretation=result.interpretation,
        mcid_reached=scoring.mcid_reached(instrument, first, result.score),
        recorded_by=by,
    )
