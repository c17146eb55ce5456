"""Return to run: the checklist the physio ticks and the decision they take."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone

from clinic.errors import Invalid
from clinic.models import Case
from rehab.models import Checklist, Decision, ReturnToRun, ReturnToRunCriterion
from rehab.return_to_run_rules import RETURN_TO_RUN_CHECKLISTS, criterion_met
from rehab.services.common import lock_case, require_active, require_assigned_physio


def default_checklist(case: Case) -> str:
    """Achilles checklist when triage suspected an Achilles condition, else the ankle sprain's."""
    try:
        intake = case.intake
    except ObjectDoesNotExist:
        intake = None
    suspected = list(getattr(intake, "suspected_conditions", None) or [])
    if any(str(code).startswith("achilles_") for code in suspected):
        return Checklist.ACHILLES_TENDINOPATHY
    return Checklist.ANKLE_SPRAIN


@transaction.atomic
def return_to_run_update(
    *,
    case: Case,
    by,
    checklist: str,
    values: dict[str, Any],
    decision: str = "",
    decided_on: date | None = None,
    reason: str = "",
) -> ReturnToRun:
    """Record the checklist's values (each one's `met` computed) and the physio's decision.

    `values` maps criterion codes to a bool or a number; None clears a criterion.
    Switching checklist drops the values recorded against the other one.
    """
    case = lock_case(case)
    require_assigned_physio(case, by)
    require_active(case)
    errors: dict[str, list[str]] = {}
    if checklist not in RETURN_TO_RUN_CHECKLISTS:
        raise Invalid({"checklist": ["Choose a checklist."]})
    criteria = {criterion.code: criterion for criterion in RETURN_TO_RUN_CHECKLISTS[checklist]}
    met: dict[str, bool] = {}
    for code, value in values.items():
        if code not in criteria:
            errors[code] = ["Not a criterion of this checklist."]
            continue
        try:
            met[code] = criterion_met(criteria[code], value)
        except ValueError as exc:
            errors[code] = [str(exc)]
    if decision and decision not in Decision.values:
        errors["decision"] = ["Choose cleared, graded_return or not_yet."]
    if decision and not reason.strip():
        errors["reason"] = ["Give the reason for the decision."]
    if errors:
        raise Invalid(errors)

    rtr, _ = ReturnToRun.objects.get_or_create(case=case, defaults={"checklist": checklist})
    if rtr.checklist != checklist:
        rtr.criteria.all().delete()
        rtr.checklist = checklist
    now = timezone.now()
    recorded = {row.code: row for row in rtr.criteria.all()}
    for code, value in values.items():
        row = recorded.get(code)
        if value is None:
            if row is not None:
                row.delete()
            continue
        if row is not None and row.value == value:
            continue  # unchanged: keep who recorded it and when
        ReturnToRunCriterion.objects.update_or_create(
            return_to_run=rtr,
            code=code,
            defaults={"value": value, "met": met[code], "recorded_by": by, "recorded_at": now},
        )
    if decision:
        if (decision, decided_on, reason.strip()) != (rtr.decision, rtr.decided_on, rtr.reason):
            rtr.decided_by = by
        rtr.decision = decision
        rtr.decided_on = decided_on or timezone.localdate()
        rtr.reason = reason.strip()
    rtr.save()
    return rtr
