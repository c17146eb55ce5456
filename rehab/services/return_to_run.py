"""Return to run: the checklist the physio ticks and the decision they take."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone

from clinic.errors import Invalid
from clinic.models import Case
from rehab.models import Decision, ReturnToRun, ReturnToRunCriterion, ReturnToRunMeasure
from rehab.return_to_run_rules import (
    MEASURE_CODES,
    MEASURES,
    RETURN_TO_RUN_CHECKLISTS,
    checklist_for,
    checklist_met,
    criterion_met,
    limb_symmetry_index,
)
from rehab.services.common import lock_case, require_active, require_assigned_physio


def default_checklist(case: Case) -> str:
    """The checklist of the case's confirmed diagnosis, else its provisional one, else the
    triage suspicion (``rehab.return_to_run_rules.checklist_for``).

    Rehab reads triage's records through the case's relations (``case.diagnoses``,
    ``case.intake``), never by importing triage.
    """
    try:
        intake = case.intake
    except ObjectDoesNotExist:
        intake = None
    by_status: dict[str, list[str]] = {"confirmed": [], "provisional": []}
    for status, code in case.diagnoses.order_by("-diagnosed_at", "-id").values_list(
        "status", "condition__code"
    ):
        if status in by_status:
            by_status[status].append(code)
    return checklist_for(
        confirmed=by_status["confirmed"],
        provisional=by_status["provisional"],
        suspected=[str(code) for code in getattr(intake, "suspected_conditions", None) or []],
    )


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
    override_reason: str = "",
) -> ReturnToRun:
    """Record the checklist's values (each one's `met` computed) and the physio's decision.

    `values` maps criterion codes to a bool or a number; None clears a criterion.
    Switching checklist drops the values recorded against the other one. ``cleared`` needs
    every criterion of the checklist met, or an ``override_reason``.
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
    if decision == Decision.CLEARED:
        kept = {} if rtr.checklist != checklist else dict(rtr.criteria.values_list("code", "met"))
        all_met = {**kept, **met}
        for code, value in values.items():
            if value is None:
                all_met.pop(code, None)
        if not checklist_met(checklist, all_met) and not override_reason.strip():
            raise Invalid(
                {
                    "override_reason": [
                        "The checklist is not met: give the reason to clear the runner anyway."
                    ]
                }
            )
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
        rtr.override_reason = override_reason.strip() if decision == Decision.CLEARED else ""
    rtr.save()
    return rtr


@transaction.atomic
def return_to_run_measure(
    *, case: Case, by, measure: str, left: float | Decimal, right: float | Decimal
) -> ReturnToRunMeasure:
    """Record an objective measure on both sides (once per measure; a new one replaces it).

    The limb symmetry index is the injured side's over the other's (none when both hurt).
    """
    case = lock_case(case)
    require_assigned_physio(case, by)
    require_active(case)
    spec = {m.code: m for m in MEASURES}.get(measure)
    if spec is None:
        raise Invalid({"measure": [f"Choose one of: {', '.join(MEASURE_CODES)}."]})
    errors: dict[str, list[str]] = {}
    for name, value in (("left", left), ("right", right)):
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            errors[name] = ["Must be a number."]
        elif not 0 <= value <= spec.max_value:
            errors[name] = [f"Must be from 0 to {spec.max_value:g} {spec.unit}."]
    if errors:
        raise Invalid(errors)
    sides = {"left": Decimal(str(left)), "right": Decimal(str(right))}
    lsi = None
    if case.side in sides:
        other = "right" if case.side == "left" else "left"
        value = limb_symmetry_index(
            involved=float(sides[case.side]), uninvolved=float(sides[other])
        )
        lsi = None if value is None else Decimal(str(value))
    rtr, _ = ReturnToRun.objects.get_or_create(
        case=case, defaults={"checklist": default_checklist(case)}
    )
    row, _ = ReturnToRunMeasure.objects.update_or_create(
        return_to_run=rtr,
        measure=measure,
        defaults={
            **sides,
            "limb_symmetry_index": lsi,
            "recorded_by": by,
            "recorded_at": timezone.now(),
        },
    )
    return row
