"""The rehab app's entries for a case's timeline.

Each function returns dicts with exactly the keys of ``clinic.timeline.TimelineEntry``
(``at, kind, title, detail, object_type, object_id, clinical``); the lead registers them
with ``register_source`` when the timeline lands. ``clinical`` entries are hidden from
reception by the timeline itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time

from django.db.models import prefetch_related_objects
from django.utils import timezone

from clinic.models import Case
from clinic.timeline import TimelineEntry, register_case_relation, register_source
from rehab.instruments.catalogue import INSTRUMENTS
from rehab.models import Discharge, SessionStatus, TreatmentPlan

# Read by _plan_and_discharge: joined to the case's own query where the caller asks for them.
register_case_relation("treatment_plan", "discharge")


def _entry(*, at, kind, title, detail, obj, clinical) -> dict:
    return {
        "at": at,
        "kind": kind,
        "title": title,
        "detail": detail,
        "object_type": obj._meta.label_lower,
        "object_id": obj.pk,
        "clinical": clinical,
    }


def sessions_timeline(case: Case) -> list[dict]:
    """One entry per session; booking details are not clinical, what was done is."""
    entries = []
    prefetch_related_objects([case], "physio_sessions")
    for session in case.physio_sessions.all():
        if session.status == SessionStatus.ATTENDED:
            pain = ""
            if session.pain_before is not None or session.pain_after is not None:
                before = "-" if session.pain_before is None else session.pain_before
                after = "-" if session.pain_after is None else session.pain_after
                pain = f"Pain {before}/10 before, {after}/10 after. "
            done = ", ".join(session.get_interventions_display()) or "no intervention recorded"
            entries.append(
                _entry(
                    at=session.scheduled_at,
                    kind="session",
                    title="Physiotherapy session attended",
                    detail=f"{pain}{done}.",
                    obj=session,
                    clinical=True,
                )
            )
        else:
            entries.append(
                _entry(
                    at=session.scheduled_at,
                    kind="session",
                    title=f"Physiotherapy session {session.get_status_display().lower()}",
                    detail=f"{session.duration_minutes} minutes.",
                    obj=session,
                    clinical=False,
                )
            )
    return entries


def outcomes_timeline(case: Case) -> list[dict]:
    """One clinical entry per outcome measure."""
    entries = []
    prefetch_related_objects([case], "outcome_measures")
    for measure in case.outcome_measures.all():
        mcid = {True: " MCID reached.", False: " MCID not reached.", None: ""}[measure.mcid_reached]
        entries.append(
            _entry(
                at=measure.recorded_at,
                kind="outcome",
                title=INSTRUMENTS[measure.instrument].name,
                detail=f"{measure.interpretation}{mcid}",
                obj=measure,
                clinical=True,
            )
        )
    return entries


def _plan_and_discharge(case: Case) -> tuple[TreatmentPlan | None, Discharge | None]:
    """The case's plan and discharge (one of each at most): those already read on this case
    (the case page's panel), else both in one query."""
    if not (Case.treatment_plan.is_cached(case) and Case.discharge.is_cached(case)):
        row = Case.objects.select_related("treatment_plan", "discharge").get(pk=case.pk)
        return getattr(row, "treatment_plan", None), getattr(row, "discharge", None)
    return getattr(case, "treatment_plan", None), getattr(case, "discharge", None)


def plan_timeline(case: Case, plan: TreatmentPlan | bool | None = False) -> list[dict]:
    """The treatment plan's start (clinical: its goals); ``plan`` when already read."""
    if plan is False:
        plan = TreatmentPlan.objects.filter(case=case).first()
    if plan is None:
        return []
    start = timezone.make_aware(
        datetime.combine(plan.started_on, time.min), timezone.get_current_timezone()
    )
    return [
        _entry(
            at=start,
            kind="plan",
            title="Treatment plan started",
            detail=f"{plan.planned_sessions} sessions, {plan.frequency} a week. {plan.goals}",
            obj=plan,
            clinical=True,
        )
    ]


def discharge_timeline(case: Case, discharge: Discharge | bool | None = False) -> list[dict]:
    """The discharge and its summary; ``discharge`` when already read."""
    if discharge is False:
        discharge = Discharge.objects.filter(case=case).first()
    if discharge is None:
        return []
    return [
        _entry(
            at=discharge.discharged_at,
            kind="discharge",
            title="Discharged",
            detail=discharge.summary,
            obj=discharge,
            clinical=True,
        )
    ]


@register_source
def rehab_timeline(case: Case, user) -> Iterable[TimelineEntry]:
    """Plan, sessions, outcomes and discharge on the case timeline (three queries: the plan
    and the discharge, each one per case at most, are read together)."""
    plan, discharge = _plan_and_discharge(case)
    entries = (
        plan_timeline(case, plan)
        + sessions_timeline(case)
        + outcomes_timeline(case)
        + discharge_timeline(case, discharge)
    )
    for entry in entries:
        yield TimelineEntry(**entry)
