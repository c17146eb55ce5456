"""Treatment plans: written by the assigned physio; the plan's start puts the case in rehab."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from clinic.errors import Conflict, Invalid
from clinic.models import Case, CaseStatus
from clinic.services import case_advance
from rehab.models import PLAN_FREQUENCY_MAX, PLAN_SESSIONS_MAX, TreatmentPlan
from rehab.services.common import lock_case, require_active, require_assigned_physio


def _check_dose(*, planned_sessions: int, frequency: int) -> None:
    refused = {}
    if not 1 <= planned_sessions <= PLAN_SESSIONS_MAX:
        refused["planned_sessions"] = [f"Plan 1 to {PLAN_SESSIONS_MAX} sessions."]
    if not 1 <= frequency <= PLAN_FREQUENCY_MAX:
        refused["frequency"] = [f"Plan 1 to {PLAN_FREQUENCY_MAX} sessions a week."]
    if refused:
        raise Invalid(refused)


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
    _check_dose(planned_sessions=planned_sessions, frequency=frequency)
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
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise TypeError(f"plan_update() cannot change {unknown[0]!r}")
    _check_dose(
        planned_sessions=fields.get("planned_sessions", plan.planned_sessions),
        frequency=fields.get("frequency", plan.frequency),
    )
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.save()
    _start_rehab_if_due(case, plan.started_on)
    plan.case = case
    return plan
