"""The return-to-run plan and its log: the physio starts the plan, each run is decided by the
pain-monitoring model (rehab.run_rules), and the physio may override a decision with a reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from clinic.errors import Conflict, Invalid
from clinic.measures import is_nprs
from clinic.models import Case
from rehab.models import (
    RUN_DISTANCE_KM_MAX,
    RUN_MINUTES_MAX,
    AlertKind,
    Run,
    RunPlan,
    Source,
    WalkRunTemplate,
)
from rehab.run_rules import RUN_DECISION_LABELS, RunPains, next_stage, run_decision
from rehab.services.alerts import alert_raise
from rehab.services.common import lock_case, require_active, require_assigned_physio
from reminders.services import events

PLAN_FIELDS = frozenset(
    {
        "template",
        "stage",
        "shoe_model",
        "shoe_km",
        "shoe_change_on",
        "cadence_cue",
        "technique_cues",
    }
)


def high_pain_raised(*, case: Case, run: Run) -> None:
    """A run with a pain above 5 raises a ``high_pain`` alert for the assigned physio (once per
    run, inside the run's transaction; the detail is the run's date and scores only)."""
    morning = "not yet" if run.pain_next_morning is None else f"{run.pain_next_morning}/10"
    alert_raise(
        case=case,
        kind=AlertKind.HIGH_PAIN,
        detail=(
            f"Run on {run.date:%d %b}: pain {run.pain_during}/10 during, {run.pain_after}/10 "
            f"after, next morning {morning} (above 5: step back)."
        ),
        cause=f"run:{run.pk}",
    )


def _stages(template: WalkRunTemplate) -> int:
    return template.stages.count()


def _check_stage(template: WalkRunTemplate, stage: int) -> None:
    stages = _stages(template)
    if stages == 0:
        raise Invalid({"template": ["This progression has no stages yet."]})
    if not 1 <= stage <= stages:
        raise Invalid({"stage": [f"Choose a stage from 1 to {stages}."]})


def _check_day(case: Case, day: date, field: str) -> None:
    if day > timezone.localdate():
        raise Invalid({field: ["A day still to come cannot be recorded."]})
    if day < timezone.localdate(case.opened_at):
        raise Invalid({field: ["That day is before the case was opened."]})


@transaction.atomic
def run_plan_start(
    *, case: Case, by, template: WalkRunTemplate, started_on: date | None = None, **fields: Any
) -> RunPlan:
    """Start the case's walk-run progression: the runner is cleared to begin running."""
    unknown = sorted(set(fields) - PLAN_FIELDS)
    if unknown:
        raise TypeError(f"run_plan_start() takes no {unknown[0]!r}")
    case = lock_case(case)
    require_assigned_physio(case, by)
    require_active(case)
    started_on = started_on or timezone.localdate()
    _check_day(case, started_on, "started_on")
    stage = fields.pop("stage", 1)
    _check_stage(template, stage)
    if RunPlan.objects.filter(case=case).exists():
        raise Conflict("This case already has a return-to-run plan.", code="run_plan_exists")
    return RunPlan.objects.create(
        case=case, template=template, stage=stage, started_on=started_on, started_by=by, **fields
    )


@transaction.atomic
def run_plan_update(*, plan: RunPlan, by, **fields: Any) -> RunPlan:
    """Change the plan's stage, progression, shoes or technique cues."""
    unknown = sorted(set(fields) - PLAN_FIELDS)
    if unknown:
        raise TypeError(f"run_plan_update() cannot change {unknown[0]!r}")
    case = lock_case(plan.case)
    require_assigned_physio(case, by)
    require_active(case)
    plan = RunPlan.objects.select_for_update().get(pk=plan.pk)
    for name, value in fields.items():
        setattr(plan, name, value)
    _check_stage(plan.template, plan.stage)
    plan.save()
    plan.case = case
    return plan


def _pains(run: Run) -> RunPains:
    return RunPains(
        during=run.pain_during, after=run.pain_after, next_morning=run.pain_next_morning
    )


def _previous(run: Run) -> Run | None:
    """The run before this one: an earlier day, or the same day logged before it."""
    earlier = Run.objects.filter(case_id=run.case_id, date__lte=run.date)
    if run.pk is not None:
        earlier = earlier.exclude(pk=run.pk).exclude(date=run.date, pk__gt=run.pk)
    return earlier.order_by("-date", "-id").first()


def _is_latest(run: Run) -> bool:
    """Whether no run comes after this one (a new run on a day already logged comes last)."""
    later = Run.objects.filter(case_id=run.case_id, date__gte=run.date)
    if run.pk is None:
        return not later.filter(date__gt=run.date).exists()
    return not later.exclude(pk=run.pk).exclude(date=run.date, pk__lt=run.pk).exists()


def _decide(run: Run, plan: RunPlan) -> None:
    """Decide the run by the model and, for the latest run, move the plan to the next stage."""
    previous = _previous(run)
    run.decision = run_decision(run=_pains(run), previous=_pains(previous) if previous else None)
    run.next_stage = next_stage(
        stage=run.stage, decision=run.effective_decision, stages=_stages(plan.template)
    )
    if _is_latest(run) and plan.stage != run.next_stage:
        plan.stage = run.next_stage
        plan.save(update_fields=["stage", "updated_at"])


def _check_run(*, minutes: Any, distance_km: Decimal | None, pains: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if not (isinstance(minutes, int) and 1 <= minutes <= RUN_MINUTES_MAX):
        errors["minutes"] = [f"Minutes: 1 to {RUN_MINUTES_MAX}."]
    if distance_km is not None and not 0 <= distance_km <= RUN_DISTANCE_KM_MAX:
        errors["distance_km"] = [f"Distance: 0 to {RUN_DISTANCE_KM_MAX} km."]
    for field, value in pains.items():
        if value is not None and not is_nprs(value):
            errors[field] = ["Pain is a whole number from 0 to 10."]
    if errors:
        raise Invalid(errors)


@transaction.atomic
def run_log(
    *,
    case: Case,
    by,
    date: date,
    minutes: int,
    pain_during: int,
    pain_after: int,
    distance_km: Decimal | None = None,
    pain_next_morning: int | None = None,
    source: str = Source.CLINIC,
) -> Run:
    """Log a run (the runner's own, or the physio's from a paper diary) and decide it."""
    _check_run(
        minutes=minutes,
        distance_km=distance_km,
        pains={
            "pain_during": pain_during,
            "pain_after": pain_after,
            "pain_next_morning": pain_next_morning,
        },
    )
    case = lock_case(case)
    if source == Source.CLINIC:
        require_assigned_physio(case, by)
    require_active(case)
    plan = RunPlan.objects.select_for_update().filter(case=case).first()
    if plan is None:
        raise Conflict("Start a return-to-run plan before logging runs.", code="no_run_plan")
    _check_day(case, date, "date")
    if date < plan.started_on:
        raise Invalid({"date": ["The return-to-run plan had not started on that day."]})
    run = Run(
        case=case,
        date=date,
        minutes=minutes,
        distance_km=distance_km,
        pain_during=pain_during,
        pain_after=pain_after,
        pain_next_morning=pain_next_morning,
        stage=plan.stage,
        source=source,
        logged_by=by if source == Source.CLINIC else None,
    )
    _decide(run, plan)
    run.save()
    if _pains(run).above_limit():
        high_pain_raised(case=case, run=run)
    if run.pain_next_morning is None:
        # Outbox: the next-morning score is asked the morning after the run.
        events.reminders_for_run_logged(case=case, run_id=run.pk, run_on=date)
    return run


@transaction.atomic
def run_next_morning(*, run: Run, by, pain_next_morning: int, source: str = Source.CLINIC) -> Run:
    """Record the next-morning pain of a run and decide it again."""
    _check_run(
        minutes=run.minutes, distance_km=None, pains={"pain_next_morning": pain_next_morning}
    )
    case = lock_case(run.case)
    if source == Source.CLINIC:
        require_assigned_physio(case, by)
    require_active(case)
    run = Run.objects.select_for_update().get(pk=run.pk)
    if run.pain_next_morning is not None:
        raise Conflict("This run's next-morning pain is already recorded.", code="already_recorded")
    was_above = _pains(run).above_limit()
    run.pain_next_morning = pain_next_morning
    plan = RunPlan.objects.select_for_update().get(case=case)
    _decide(run, plan)
    run.save()
    events.reminders_for_run_answered(run_id=run.pk)
    if _pains(run).above_limit() and not was_above:
        high_pain_raised(case=case, run=run)
    run.case = case
    return run


@transaction.atomic
def run_override(*, run: Run, by, decision: str, reason: str) -> Run:
    """The physio's own decision on a run, with the reason; the model's decision is kept."""
    case = lock_case(run.case)
    require_assigned_physio(case, by)
    require_active(case)
    errors: dict[str, list[str]] = {}
    if decision not in RUN_DECISION_LABELS:
        errors["decision"] = [f"Choose one of {', '.join(RUN_DECISION_LABELS)}."]
    if not reason.strip():
        errors["reason"] = ["Say why you decide otherwise."]
    if errors:
        raise Invalid(errors)
    run = Run.objects.select_for_update().get(pk=run.pk)
    run.override_decision = decision
    run.override_reason = reason.strip()
    run.overridden_by = by
    plan = RunPlan.objects.select_for_update().get(case=case)
    _decide(run, plan)
    run.save()
    run.case = case
    return run
