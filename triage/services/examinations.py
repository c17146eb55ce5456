"""Examinations: the doctor's ankle exam and the imaging recommendation it indicates.

The API (triage.api.examinations) and the pages (triage.views.doctor) call these functions and
nothing else. Errors: ``clinic.errors.Invalid`` with field messages; nothing is written then.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from clinic.errors import Invalid
from clinic.models import Case
from clinic.services import case_mark_seen, full_clean
from triage import ottawa, rules
from triage.models import OTTAWA_FIELDS, Examination
from triage.services.common import copy_fields

EXAM_FIELDS = (
    *OTTAWA_FIELDS,
    "thompson_test",
    "anterior_drawer",
    "dorsiflexion_deg",
    "foot_posture",
    "notes",
)


def recommendation_for(*, case: Case, findings: Mapping[str, Any], on: datetime) -> tuple:
    """The imaging recommendation for these findings, with the patient's age on that day."""
    local_day = timezone.localtime(on).date()
    born = case.patient.date_of_birth
    age = rules.age_in_years(born, local_day) if born <= local_day else None
    exam_findings = ottawa.ExamFindings(
        **{name: bool(findings.get(name, False)) for name in OTTAWA_FIELDS},
        thompson_test=findings.get("thompson_test") or "not_done",
        age=age,
    )
    return age, ottawa.imaging_recommendation(exam_findings)


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
    age, recommendation = recommendation_for(case=case, findings=findings, on=examined_at)
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
    age, recommendation = recommendation_for(
        case=examination.case, findings=current, on=locked.examined_at
    )
    locked.patient_age = age
    locked.imaging_recommendation = recommendation.as_dict()
    full_clean(locked, exclude=["case", "examined_by"])
    locked.save()
    copy_fields(locked, examination)
    return examination
