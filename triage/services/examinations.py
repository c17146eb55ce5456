"""Examinations: the doctor's ankle exam and the imaging recommendation it indicates.

The API (triage.api.examinations) and the pages (triage.views.doctor) call these functions and
nothing else. Errors: ``clinic.errors.Invalid`` with field messages; nothing is written then.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from clinic.errors import Invalid
from clinic.models import Case
from clinic.services import case_mark_seen, full_clean
from triage import ottawa, rules
from triage.models import OTTAWA_FIELDS, Examination, Intake
from triage.services.common import copy_fields
from triage.vocabulary import OTTAWA_EXCLUSIONS

EXAM_FIELDS = (
    *OTTAWA_FIELDS,
    "thompson_test",
    "anterior_drawer",
    "squeeze_test",
    "external_rotation_test",
    "days_since_injury",
    "ottawa_exclusions",
    "dorsiflexion_deg",
    "foot_posture",
    "notes",
)


def _intake_of(case: Case) -> Intake | None:
    """The case's questionnaire, if it has one."""
    try:
        return case.intake
    except Intake.DoesNotExist:
        return None


def derived_days_since_injury(*, intake: Intake | None, on: date) -> int | None:
    """The intake's ``pain_duration_days`` plus the days since the intake; None without one."""
    if intake is None:
        return None
    since_intake = (on - timezone.localtime(intake.recorded_at).date()).days
    return intake.pain_duration_days + max(since_intake, 0)


def _exclusions_errors(value: Any) -> list[str]:
    """Messages for an ``ottawa_exclusions`` that is not a list of known, distinct exclusions."""
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        return ["Must be a list of exclusions."]
    unknown = [v for v in value if v not in OTTAWA_EXCLUSIONS]
    if unknown:
        return [
            f"{unknown[0]!r} is not a valid choice; expected any of: "
            f"{', '.join(OTTAWA_EXCLUSIONS)}."
        ]
    if len(set(value)) != len(value):
        return ["Each exclusion may be given once."]
    return []


def recommendation_for(
    *, case: Case, findings: Mapping[str, Any], on: datetime
) -> tuple[int | None, int | None, ottawa.ImagingRecommendation]:
    """The patient's age on that day, the days since the injury, and the recommendation."""
    local_day = timezone.localtime(on).date()
    born = case.patient.date_of_birth
    age = rules.age_in_years(born, local_day) if born <= local_day else None
    intake = _intake_of(case)
    days = findings.get("days_since_injury")
    if days is None:
        days = derived_days_since_injury(intake=intake, on=local_day)
    exclusions = findings.get("ottawa_exclusions") or []
    errors = _exclusions_errors(exclusions)
    if errors:
        raise Invalid({"ottawa_exclusions": errors})
    exam_findings = ottawa.ExamFindings(
        **{name: bool(findings.get(name, False)) for name in OTTAWA_FIELDS},
        thompson_test=findings.get("thompson_test") or "not_done",
        squeeze_test=findings.get("squeeze_test") or "not_done",
        external_rotation_test=findings.get("external_rotation_test") or "not_done",
        age=age,
        onset=intake.onset if intake is not None else None,
        focal_bone_pain=bool(intake and intake.focal_bone_pain),
        days_since_injury=days,
        exclusions=tuple(exclusions),
    )
    return age, days, ottawa.imaging_recommendation(exam_findings)


@transaction.atomic
def examination_create(
    *,
    case: Case,
    examined_by,
    findings: Mapping[str, Any],
    examined_at: datetime | None = None,
) -> Examination:
    """Record a doctor's exam and store the imaging recommendation it indicates."""
    examined_at = examined_at or timezone.now()
    age, days, recommendation = recommendation_for(case=case, findings=findings, on=examined_at)
    exam = Examination(
        case=case,
        examined_by=examined_by,
        examined_at=examined_at,
        **{name: findings[name] for name in EXAM_FIELDS if name in findings},
        patient_age=age,
        imaging_recommendation=recommendation.as_dict(),
    )
    if exam.notes is None:
        exam.notes = ""
    exam.days_since_injury = days
    exam.ottawa_exclusions = list(exam.ottawa_exclusions or [])
    full_clean(exam, exclude=["case", "examined_by"])
    exam.save()
    # The doctor has seen the patient: the triage's urgency is now history.
    case_mark_seen(case=case, at=examined_at)
    return exam


@transaction.atomic
def examination_update(*, examination: Examination, **findings) -> Examination:
    """Correct an exam's findings; the imaging recommendation is computed again."""
    unexpected = set(findings) - set(EXAM_FIELDS)
    if unexpected:
        raise Invalid({name: ["This cannot be changed."] for name in sorted(unexpected)})
    locked = Examination.objects.select_for_update().get(pk=examination.pk)
    for name, value in findings.items():
        setattr(locked, name, value)
    current = {name: getattr(locked, name) for name in EXAM_FIELDS}
    age, days, recommendation = recommendation_for(
        case=examination.case, findings=current, on=locked.examined_at
    )
    locked.patient_age = age
    locked.days_since_injury = days
    locked.ottawa_exclusions = list(locked.ottawa_exclusions or [])
    locked.imaging_recommendation = recommendation.as_dict()
    full_clean(locked, exclude=["case", "examined_by"])
    locked.save()
    copy_fields(locked, examination)
    return examination
