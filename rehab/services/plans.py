"""Treatment plans: written by the assigned physio; the plan's start puts the case in rehab."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from clinic.errors import Conflict
from clinic.models import Case, CaseStatus
from clinic.services import case_advance
from rehab.models import TreatmentPlan
from rehab.services.common import lock_case, require_active, require_assigned_physio


def _start_rehab_if_due(case: Case, started_on: date) -> None:
    if started_on <= timezone.localdate():
        case_advance(case=case, to=CaseStatus.IN_REHAB)


@transaction.atomic
def plan_create(
    *,
    case: Case,
    by,
    goals: str,
    planned_sessions: int,
    frequency: int,
    started_on: date,
    home_exercises: str = "",
) -> TreatmentPlan:
    """Write the case's treatment plan; a plan starting today or earlier moves it to in_rehab."""
    case = lock_case(case)
    require_assigned_physio(case, by)
    require_active(case)
    if TreatmentPlan.objects.filter(case=case).exists():
        raise Conflict(
            "This case already has a treatment plan: change it instead.", code="plan_exists"
        )
    plan = TreatmentPlan.objects.create(
        case=case,
        physio=by,
        goals=goals,
        planned_sessions=planned_sessions,
        frequency=frequency,
        home_exercises=home_exercises,
        started_on=started_on,
    )
    _start_rehab_if_due(case, started_on)
    return plan


@transaction.atomic
def plan_update(*, plan: TreatmentPlan, by, **fields) -> TreatmentPlan:
    """Change a plan's goals, dose, home programme or start date."""
    case = lock_case(plan.case)
    require_assigned_physio(case, by)
    require_active(case)
    allowed = {"goals", "planned_sessions", "frequency", "home_exercises", "started_on"}
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(f"plan_update() cannot change {name!r}")
        setattr(plan, name, value)
    plan.save()
    _start_rehab_if_due(case, plan.started_on)
    plan.case = case
    return plan
