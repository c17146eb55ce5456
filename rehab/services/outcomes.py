"""Outcome measures: scored on the server, compared with the first measure of the case,
and with the previous one for the physio's alerts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from clinic.errors import Conflict
from clinic.models import Case, CaseStatus
from rehab import alert_rules
from rehab.instruments import scoring
from rehab.models import OutcomeMeasure, OutcomeSource
from rehab.services.alerts import alert_raise
from rehab.services.common import lock_case, require_assigned_physio


def _measure_create(
    *, case: Case, instrument: str, answers: list[Any], by, source: str
) -> OutcomeMeasure:
    result = scoring.score(instrument, answers)
    earlier = OutcomeMeasure.objects.filter(case=case, instrument=instrument)
    first = earlier.order_by("recorded_at", "id").values_list("score", flat=True).first()
    previous = earlier.order_by("-recorded_at", "-id").values_list("score", flat=True).first()
    measure = OutcomeMeasure.objects.create(
        case=case,
        instrument=instrument,
        answers=answers,
        score=Decimal(str(result.score)),
        score_max=result.score_max,
        interpretation=result.interpretation,
        mcid_reached=scoring.mcid_reached(instrument, first, result.score),
        recorded_by=by,
        source=source,
    )
    for kind, detail in alert_rules.outcome_alerts(instrument, previous, result.score):
        alert_raise(case=case, kind=kind, detail=detail, cause=f"outcome:{measure.pk}")
    return measure


@transaction.atomic
def outcome_record(*, case: Case, instrument: str, answers: list[Any], by) -> OutcomeMeasure:
    """Score the answers (raises scoring.AnswerError) and keep them with the score.

    The case row is locked so that two first measures of one instrument cannot both
    become the MCID baseline.
    """
    case = lock_case(case)
    require_assigned_physio(case, by)
    return _measure_create(
        case=case, instrument=instrument, answers=answers, by=by, source=OutcomeSource.CLINIC
    )


@transaction.atomic
def outcome_record_from_patient(
    *, case: Case, instrument: str, answers: list[Any]
) -> OutcomeMeasure:
    """The runner's own answers from home: the same scoring, ``source`` patient, no author.

    The caller (the runner's pages) has checked that the request is the patient's own and
    still open; a closed case (closed, not discharged: follow-ups go on after discharge)
    takes no more.
    """
    case = lock_case(case)
    if case.status == CaseStatus.CLOSED:
        raise Conflict("This case is closed: it takes no more answers.", code="case_closed")
    return _measure_create(
        case=case, instrument=instrument, answers=answers, by=None, source=OutcomeSource.PATIENT
    )
