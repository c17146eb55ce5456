"""The physiotherapy section of a case page (clinic.panels): plan, sessions, progress charts,
return to run and discharge.

Fed by rehab's selectors, its rights from rehab's services (may_treat, may_book); it shows
reception the session bookings only, never a clinical field, and names every record it shows
so that the page's view audits them.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.safestring import mark_safe

from clinic.panels import CasePanel, register_panel
from clinic.selectors import sees_clinical_notes
from rehab import charts, selectors
from rehab.instruments.catalogue import INSTRUMENTS
from rehab.models import OutcomeSource, SessionStatus
from rehab.return_to_run_rules import RETURN_TO_RUN_CHECKLISTS
from rehab.services.common import may_book, may_treat


@register_panel
def physiotherapy(case, user) -> CasePanel:
    """Plan, sessions, progress charts, return to run and discharge of one case."""
    clinical = sees_clinical_notes(user)
    sessions = list(selectors.case_sessions(case))
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
        plan = selectors.case_plan(case)
        outcomes = list(selectors.case_outcomes(case))
        rtr = selectors.case_return_to_run(case)
        discharge = selectors.case_discharge(case)
        shown += [record for record in (plan, rtr, discharge) if record is not None] + outcomes
        context.update(
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
    for measure in outcomes:
        by_instrument[measure.instrument].append(
            (measure.recorded_at, measure.score, measure.source == OutcomeSource.PATIENT)
        )
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
    return [
        {"criterion": criterion, "row": recorded.get(criterion.code)}
        for criterion in RETURN_TO_RUN_CHECKLISTS[rtr.checklist]
    ]
