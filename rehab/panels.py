"""The physiotherapy section of a case page (clinic.panels): plan, sessions, progress charts,
return to run and discharge.

Fed by rehab's selectors, its rights from rehab's services (may_treat, may_book); it shows
reception the session bookings only, never a clinical field, and names every record it shows
so that the page's view audits them.

The case's records are read through the case's own relations (``prefetch_related_objects``,
one query each): the case's timeline, built on the same page from the same case instance,
reads the sessions, outcomes, plan and discharge from them instead of asking again
(rehab.timeline), and every record read so knows its case, so auditing it reads nothing more.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from clinic.bookings import Booking, register_bookings
from clinic.panels import CasePanel, register_panel
from clinic.selectors import sees_clinical_notes
from rehab import charts, selectors
from rehab.instruments.catalogue import INSTRUMENTS
from rehab.models import (
    Discharge,
    ExerciseProgramme,
    OutcomeSource,
    PhysioSession,
    ReturnToRun,
    RunPlan,
    SessionStatus,
    TreatmentPlan,
)
from rehab.return_to_run_rules import RETURN_TO_RUN_CHECKLISTS
from rehab.services.common import may_book, may_treat

# The panel's reads of a case, as rehab.selectors' case_* functions make them.
SESSIONS = Prefetch("physio_sessions", queryset=PhysioSession.objects.select_related("physio"))
CLINICAL = (
    "outcome_measures",
    Prefetch("treatment_plan", queryset=TreatmentPlan.objects.select_related("physio")),
    Prefetch(
        "return_to_run",
        queryset=ReturnToRun.objects.select_related("decided_by").prefetch_related(
            "criteria", "measures"
        ),
    ),
    Prefetch("discharge", queryset=Discharge.objects.select_related("discharged_by")),
    Prefetch(
        "exercise_programmes",
        queryset=selectors.with_adherence(ExerciseProgramme.objects.filter(active=True)),
        to_attr="active_programmes",
    ),
    Prefetch(
        "run_plan",
        queryset=RunPlan.objects.select_related("template").prefetch_related("template__stages"),
    ),
)


@register_panel
def physiotherapy(case, user) -> CasePanel:
    """Plan, sessions, progress charts, return to run and discharge of one case."""
    clinical = sees_clinical_notes(user)
    prefetch_related_objects([case], SESSIONS, *(CLINICAL if clinical else ()))
    sessions = list(case.physio_sessions.all())
    context = {
        "case": case,
        "clinical": clinical,
        "can_treat": may_treat(case=case, user=user),
        "can_book": may_book(case=case, user=user),
        "sessions": sessions,
        "attended_count": sum(s.status == SessionStatus.ATTENDED for s in sessions),
    }
    shown: list = list(sessions)
    if clinical:
        plan = getattr(case, "treatment_plan", None)  # a missing one is an AttributeError
        outcomes = list(case.outcome_measures.all())
        rtr = getattr(case, "return_to_run", None)
        discharge = getattr(case, "discharge", None)
        programme = next(iter(case.active_programmes), None)  # the newest: the model's order
        run_plan = getattr(case, "run_plan", None)
        runs = list(selectors.case_runs(case)) if run_plan else []
        shown += [record for record in (plan, rtr, discharge) if record is not None] + outcomes
        shown += [record for record in (programme, run_plan) if record is not None] + runs
        context.update(
            programme=programme,
            adherence=selectors.programme_adherence(programme) if programme else None,
            adherence_chart=_chart(_adherence_chart(programme)),
            run_plan=run_plan,
            stage_words=selectors.stage_words(run_plan, run_plan.stage) if run_plan else "",
            runs=runs,
            runs_chart=_chart(
                charts.runs_chart(
                    [
                        (
                            r.date,
                            r.pain_during,
                            r.pain_after,
                            r.pain_next_morning,
                            r.get_decision_display()
                            if not r.override_decision
                            else r.get_override_decision_display(),
                        )
                        for r in runs
                    ]
                )
            ),
            plan=plan,
            outcomes=outcomes,
            discharge=discharge,
            charts=_charts(sessions, outcomes),
            rtr=rtr,
            rtr_rows=_rtr_rows(rtr),
        )
    return CasePanel(template="rehab/_panel.html", context=context, records=tuple(shown))


def _charts(sessions, outcomes) -> list[dict]:
    found = []
    pain = charts.pain_chart(
        [
            (s.scheduled_at, s.pain_before, s.pain_after)
            for s in sessions
            if s.status == SessionStatus.ATTENDED
        ]
    )
    if pain is not None:
        found.append({"chart": pain, "svg": mark_safe(pain.svg), "kind": "pain"})  # noqa: S308  # nosec B308 B703
    by_instrument = defaultdict(list)
    for measure in sorted(outcomes, key=lambda m: (m.recorded_at, m.pk)):
        key = (measure.instrument, measure.side)
        by_instrument[key].append(
            (measure.recorded_at, measure.score, measure.source == OutcomeSource.PATIENT)
        )
    for code in INSTRUMENTS:  # the registry's order, so the page is stable
        for side in ("", "left", "right"):  # one chart per side: the MCID is judged per side
            if (code, side) in by_instrument:
                chart = charts.instrument_chart(code, by_instrument[code, side], side=side)
                # The SVG is built by rehab.charts, which escapes every text it writes.
                found.append({"chart": chart, "svg": mark_safe(chart.svg), "kind": code})  # noqa: S308  # nosec B308 B703
    return found


def _chart(chart) -> dict | None:
    if chart is None:
        return None
    # The SVG is built by rehab.charts, which escapes every text it writes.
    return {"chart": chart, "svg": mark_safe(chart.svg)}  # noqa: S308  # nosec B308 B703


def _adherence_chart(programme):
    if programme is None or not programme.active_items:
        return None
    count = len(programme.active_items)
    days = sorted((log.date, round(100 * log.ticked / count)) for log in programme.recent_logs)
    return charts.adherence_chart(days)


def _rtr_rows(rtr) -> list[dict]:
    if rtr is None:
        return []
    recorded = {row.code: row for row in rtr.criteria.all()}
    return [
        {"criterion": criterion, "row": recorded.get(criterion.code)}
        for criterion in RETURN_TO_RUN_CHECKLISTS[rtr.checklist]
    ]


@register_bookings
def physiotherapy_sessions(patient, user) -> list[Booking]:
    """The patient's physiotherapy sessions, with the pages the user may open on each."""
    now = timezone.now()
    found = []
    for session in selectors.patient_sessions(user, patient):
        links: list[tuple[str, str]] = []
        live = session.status == SessionStatus.SCHEDULED
        if live and session.scheduled_at >= now and may_book(case=session.case, user=user):
            links += [
                ("Move", reverse("rehab:session-move", args=[session.pk])),
                ("Cancel", reverse("rehab:session-cancel", args=[session.pk])),
            ]
        if may_treat(case=session.case, user=user) and session.status != SessionStatus.CANCELLED:
            links.append(("Log", reverse("rehab:session-log", args=[session.pk])))
        found.append(
            Booking(
                kind="Physiotherapy session",
                starts_at=session.scheduled_at,
                duration_minutes=session.duration_minutes,
                practitioner=session.physio,
                status=session.status,
                status_label=session.get_status_display(),
                case=session.case,
                record=session,
                links=tuple(links),
            )
        )
    return found
