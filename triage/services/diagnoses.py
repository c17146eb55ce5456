"""Diagnoses: provisional, then confirmed or refuted; the first confirmed one moves the case.

The API (triage.api.diagnoses) and the pages (triage.views.doctor) call these functions and
nothing else. A status change locks its row and re-reads the status under the lock.
Errors (clinic.errors): ``Invalid`` with field messages, ``InvalidTransition`` for a settled
diagnosis; neither changes anything.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from clinic.errors import Invalid, InvalidTransition
from clinic.models import Case, CaseStatus
from clinic.services import case_advance
from triage.models import Condition, Diagnosis, DiagnosisStatus
from triage.services.common import copy_fields


@transaction.atomic
def diagnosis_create(
    *,
    case: Case,
    condition: Condition,
    laterality: str,
    diagnosed_by,
    status: str = DiagnosisStatus.PROVISIONAL,
    notes: str = "",
) -> Diagnosis:
    """Record a diagnosis, provisional or already confirmed; a confirmed one moves the case."""
    if status not in (DiagnosisStatus.PROVISIONAL, DiagnosisStatus.CONFIRMED):
        raise Invalid(
            {"status": ["A new diagnosis is provisional or confirmed; refute it afterwards."]}
        )
    now = timezone.now()
    diagnosis = Diagnosis.objects.create(
        case=case,
        condition=condition,
        laterality=laterality,
        notes=notes or "",
        diagnosed_by=diagnosed_by,
        diagnosed_at=now,
        status=status,
        confirmed_by=diagnosed_by if status == DiagnosisStatus.CONFIRMED else None,
        confirmed_at=now if status == DiagnosisStatus.CONFIRMED else None,
    )
    if status == DiagnosisStatus.CONFIRMED:
        _case_diagnosed(case)
    return diagnosis


def _case_diagnosed(case: Case) -> None:
    # Lock the case too: a concurrent physio or reception write must not undo the move.
    locked = Case.objects.select_for_update().get(pk=case.pk)
    case_advance(case=locked, to=CaseStatus.DIAGNOSED)
    case.status = locked.status


@transaction.atomic
def diagnosis_set_status(*, diagnosis: Diagnosis, status: str, by) -> Diagnosis:
    """Confirm or refute a provisional diagnosis (the only two changes there are).

    A settled diagnosis is a 409 before the requested status is looked at.
    """
    locked = Diagnosis.objects.select_for_update().get(pk=diagnosis.pk)
    if locked.status != DiagnosisStatus.PROVISIONAL:
        raise InvalidTransition(
            f"This diagnosis is already {locked.status}; only a provisional one can change.",
            current=locked.status,
        )
    if status not in (DiagnosisStatus.CONFIRMED, DiagnosisStatus.REFUTED):
        raise Invalid({"status": ["A diagnosis can only be confirmed or refuted."]})
    now = timezone.now()
    locked.status = status
    if status == DiagnosisStatus.CONFIRMED:
        locked.confirmed_by, locked.confirmed_at = by, now
    else:
        locked.refuted_by, locked.refuted_at = by, now
    locked.save()
    if status == DiagnosisStatus.CONFIRMED:
        _case_diagnosed(locked.case)
    copy_fields(locked, diagnosis)
    return diagnosis


@transaction.atomic
def diagnosis_update(*, diagnosis: Diagnosis, by, **fields) -> Diagnosis:
    """Change a diagnosis's laterality or notes; a ``status`` goes through diagnosis_set_status."""
    status = fields.pop("status", None)
    unexpected = set(fields) - {"laterality", "notes"}
    if unexpected:
        raise Invalid({name: ["This cannot be changed."] for name in sorted(unexpected)})
    if status is not None and status != diagnosis.status:
        diagnosis_set_status(diagnosis=diagnosis, status=status, by=by)
    if fields:
        for name, value in fields.items():
            setattr(diagnosis, name, value)
        diagnosis.save(update_fields=[*fields, "updated_at"])
    return diagnosis
