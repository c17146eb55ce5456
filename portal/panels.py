"""The case page's "From home" section: the questionnaires asked of the runner, and for the
assigned physio the buttons to ask one and to send the runner their private link."""

from __future__ import annotations

from clinic.models import CaseStatus
from clinic.panels import CasePanel, register_panel
from clinic.selectors import sees_clinical_notes
from portal import selectors
from rehab.instruments.catalogue import INSTRUMENTS


@register_panel
def from_home(case, user) -> CasePanel | None:
    """Questionnaires from home on this case (clinical: not for reception)."""
    if not sees_clinical_notes(user):
        return None
    requests = list(selectors.case_outcome_requests(case))
    return CasePanel(
        template="portal/_panel.html",
        context={
            "case": case,
            "requests": requests,
            "can_ask": case.assigned_physio_id == user.pk and case.status != CaseStatus.CLOSED,
            "instruments": list(INSTRUMENTS.values()),
        },
        records=tuple(requests),
    )
