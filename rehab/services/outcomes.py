"""Outcome measures: scored on the server, compared with the first measure of the case,
and with the previous one for the physio's alerts."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from clinic.errors import Conflict, Invalid
from clinic.models import Case, CaseStatus
from rehab import alert_rules
from rehab.instruments import scoring
from rehab.models import OutcomeMeasure, OutcomeSource
from rehab.services.alerts import alert_raise
from rehab.services.common import lock_case, require_assigned_physio

# Instruments whose items are asked about one ankle: the side is required (design).
SIDED_INSTRUMENTS = frozenset({"cait"})
SIDES = ("left", "right")


def _check_side_and_date(*, case: Case, instrument: str, side: str, recorded_at: datetime) -> None:
    """Refuse a missing CAIT side, an unknown side, a future date or one before the case."""
    errors: dict[str, list[str]] = {}
    if side and side not in SIDES:
        errors["side"] = ["Choose left or right."]
    elif not side and instrument in SIDED_INSTRUMENTS:
        errors["side"] = ["Say which ankle the answers are about (left or right)."]
    if recorded_at > timezone.now():
        errors["recorded_at"] = ["Cannot be in the future."]
    elif recorded_at < case.opened_at:
        errors["recorded_at"] = ["Cannot be before the case was opened."]
    if errors:
        raise Invalid(errors)


def _measure_create(
    *,
    case: Case,
    instrument: str,
    answers: list[Any],
    by,
    source: str,
    side: str = "",
    recorded_at: datetime | None = None,
) -> OutcomeMeasure:
    """Score and keep a measure; compare it with the first (MCID) and the previous (alerts)
    earlier measure of the same instrument on the same side."""
    recorded_at = recorded_at or timezone.now()
    result = scoring.score(instrument, answers)
    _check_side_and_date(case=case, instrument=instrument, side=side, recorded_at=recorded_at)
    earlier = OutcomeMeasure.objects.filter(
        case=case, instrument=instrument, side=side, recorded_at__lte=recorded_at
    )
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
        side=side,
        recorded_by=by,
        recorded_at=recorded_at,
        source=source,
    )
    for kind, detail in alert_rules.outcome_alerts(instrument, previous, result.score):
        alert_raise(case=case, kind=kind, detail=detail, cause=f"outcome:{measure.pk}")
    return measure


@transaction.atomic
def outcome_record(
    *,
    case: Case,
    instrument: str,
    answers: list[Any],
    by,
    side: str = "",
    recorded_at: datetime | None = None,
) -> OutcomeMeasure:
    """Score the answers (raises scoring.AnswerError) and keep them with the score.

    ``side`` is required for CAIT; ``recorded_at`` (default now) may be back-dated, never in
    the future nor before the case opened. The MCID baseline is the first earlier measure of
    the same instrument on the same side. The case row is locked so that two first measures
    of one instrument cannot both become the MCID baseline.
    """
    case = lock_case(case)
    require_assigned_physio(case, by)
    return _measure_create(
        case=case,
        instrument=instrument,
        answers=answers,
        by=by,
        source=OutcomeSource.CLINIC,
        side=side,
        recorded_at=recorded_at,
    )


@transaction.atomic
def outcome_record_from_patient(
    *, case: Case, instrument: str, answers: list[Any], side: str = ""
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
        case=case,
        instrument=instrument,
        answers=answers,
        by=None,
        source=OutcomeSource.PATIENT,
        side=side,
    )
