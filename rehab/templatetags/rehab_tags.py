"""``{% rehab_panel case user %}``: the rehab part of any case page, loading its own data.

The doctors' case page and the physio's case page both include it; it scopes and
audits what it shows, and reception gets the session bookings only, never a clinical
field.
"""

from __future__ import annotations

from collections import defaultdict

from django import template
from django.utils.safestring import mark_safe

from clinic import audit, roles
from clinic.selectors import cases_visible_to, sees_clinical_notes
from rehab import charts, selectors
from rehab.instruments.catalogue import INSTRUMENTS
from rehab.models import SessionStatus
from rehab.return_to_run_rules import RETURN_TO_RUN_CHECKLISTS

register = template.Library()


@register.inclusion_tag("rehab/_panel.html", takes_context=True)
def rehab_panel(context, case, user):
    """Plan, sessions, progress charts, return to run and discharge of one case."""
    if case is None or not cases_visible_to(user).filter(pk=case.pk).exists():
        return {"visible": False}
    request = context.get("request")
    clinical = sees_clinical_notes(user)
    sessions = list(selectors.case_sessions(case))
    can_treat = (
        roles.role_of(user) == roles.PHYSIO
        and case.assigned_physio_id == user.pk
        and not case.is_ended
    )
    panel = {
        "visible": True,
        "case": case,
        "clinical": clinical,
        "can_treat": can_treat,
        "can_book": roles.role_of(user) in (roles.RECEPTION, roles.PHYSIO) and not case.is_ended,
        "sessions": sessions,
        "attended_count": sum(s.status == SessionStatus.ATTENDED for s in sessions),
    }
    touched: list = list(sessions)
    if clinical:
        plan = selectors.case_plan(case)
        outcomes = list(selectors.case_outcomes(case))
        rtr = selectors.case_return_to_run(case)
        discharge = selectors.case_discharge(case)
        touched += [obj for obj in (plan, rtr, discharge) if obj is not None] + outcomes
        panel.update(
            plan=plan,
            outcomes=outcomes,
            discharge=discharge,
            charts=_charts(sessions, outcomes),
            rtr=rtr,
            rtr_rows=_rtr_rows(rtr),
        )
    if request is not None:
        audit.touch_many(request, touched)
    return panel


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
    for measure in outcomes:
        by_instrument[measure.instrument].append((measure.recorded_at, measure.score))
    for code in INSTRUMENTS:  # the registry's order, so the page is stable
        if code in by_instrument:
            chart = charts.instrument_chart(code, by_instrument[code])
            # The SVG is built by rehab.charts, which escapes every text it writes.
            found.append({"chart": chart, "svg": mark_safe(chart.svg), "kind": code})  # noqa: S308  # nosec B308 B703
    return found


def _rtr_rows(rtr) -> list[dict]:
    if rtr is None:
        return []
    recorded = {row.code: row for row in rtr.criteria.all()}
    rows = []
    for criterion in RETURN_TO_RUN_CHECKLISTS[rtr.checklist]:
        row = recorded.get(criterion.code)
        rows.append({"criterion": criterion, "row": row})
    return rows


@register.filter
def instrument_name(code: str) -> str:
    instrument = INSTRUMENTS.get(code)
    return instrument.name if instrument else code


@register.filter
def criterion_value(row) -> str:
    if row is None:
        return "Not assessed"
    if isinstance(row.value, bool):
        return "Satisfactory" if row.value else "Not yet"
    return str(row.value)
