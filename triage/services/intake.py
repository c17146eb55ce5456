"""Reception intake: register (or find) the patient, open the case, record and triage."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from clinic import services as clinic_services
from clinic.errors import Conflict, Invalid
from clinic.models import Case, CaseStatus, Patient
from triage import rules
from triage.models import Intake


class QuestionnaireInvalid(Invalid):
    """The answers break the questionnaire's rules; ``errors`` maps field -> messages."""


def intake_triage(*, patient: Patient, questionnaire: dict[str, Any]) -> rules.TriageResult:
    """Triage answers for this patient (their age today) without writing anything."""
    errors = rules.validate_questionnaire(questionnaire)
    if errors:
        raise QuestionnaireInvalid(errors)
    age = rules.age_in_years(patient.date_of_birth, timezone.localdate())
    return rules.triage(rules.questionnaire_from_dict(questionnaire, age=age))


# No savepoint of its own inside a request: the request's transaction (ATOMIC_REQUESTS) is
# rolled back whole on any error, which already leaves nothing half-written; the savepoint
# only cost two round trips per intake (docs/benchmarks.md).
@transaction.atomic(savepoint=False)
def intake_create(
    *,
    recorded_by,
    questionnaire: dict[str, Any],
    patient: Patient | None = None,
    new_patient: dict[str, Any] | None = None,
    allow_duplicate: bool = False,
    case: Case | None = None,
) -> Intake:
    """Record an intake: patient (existing or new), a new triaged case and the answers, at once.

    ``case``: an open case of the patient's without an intake yet (a self-intake the runner
    answered before the visit, opened with its invitation) is triaged instead of a new one.
    Raises ``clinic.services.DuplicatePatient`` for a likely duplicate new patient and
    ``QuestionnaireInvalid`` for bad answers; either way nothing is written.
    """
    if (patient is None) == (new_patient is None):
        raise ValueError("Give either an existing patient or a new patient, not both.")
    if patient is None:
        patient = clinic_services.patient_create(**new_patient, allow_duplicate=allow_duplicate)
    result = intake_triage(patient=patient, questionnaire=questionnaire)

    answers = rules.questionnaire_answers(questionnaire)
    answers["mechanism"] = answers["mechanism"] or ""
    if case is None:
        case = Case(patient=patient, opened_at=timezone.now())
    elif (
        case.patient_id != patient.pk
        or case.status != CaseStatus.OPEN
        or Intake.objects.filter(case=case).exists()
    ):
        raise Conflict("This case already has its intake.", code="intake_exists")
    case.side = answers["side"]
    case.status = CaseStatus.TRIAGED
    case.recurrence_of = clinic_services.case_recurrence_of(
        patient=patient, side=answers["side"], opened_at=case.opened_at
    )
    case.set_urgency(result.urgency)
    if case.pk is None:
        case.save()
    else:
        # What the intake decides only: the case's other columns may have moved since the
        # caller read it (the caseload's order, kept by the rehab app).
        decided = ["side", "status", "recurrence_of", "urgency", "urgency_rank", "updated_at"]
        case.save(update_fields=decided)
    return Intake.objects.create(
        case=case,
        recorded_by=recorded_by,
        pathway=result.pathway,
        urgency=result.urgency,
        stop_running=result.stop_running,
        suspected_conditions=list(result.suspected_conditions),
        rationale=list(result.rationale),
        red_flags=list(result.red_flags),
        patient_advice=result.patient_advice,
        **answers,
    )
