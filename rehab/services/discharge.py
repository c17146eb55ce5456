"""Discharge: the end of an episode of care, with the physio's summary."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from clinic.errors import Conflict, Invalid
from clinic.models import Case, CaseStatus
from rehab.models import Decision, Discharge, PhysioSession, ReturnToRun, SessionStatus
from rehab.services.common import lock_case, require_assigned_physio
from rehab.services.sessions import session_cancel
from reminders.services import events as reminders


@transaction.atomic
def case_discharge(*, case: Case, by, summary: str) -> Discharge:
    """Discharge the case (assigned physio only); its sessions still booked are cancelled.

    A case already discharged or closed is a 409. The discharge_checkin reminders
    (14 and 42 days later) are written in the same transaction.
    """
    case = lock_case(case)
    require_assigned_physio(case, by)
    if case.is_ended:
        raise Conflict(
            f"This case is already {case.get_status_display().lower()}.", code="already_discharged"
        )
    if not summary.strip():
        raise Invalid({"summary": ["Write a discharge summary."]})
    now = timezone.now()
    for session in PhysioSession.objects.filter(case=case, status=SessionStatus.SCHEDULED):
        session_cancel(session=session, by=by)
    case.status = CaseStatus.DISCHARGED
    case.discharged_at = now
    case.save(update_fields=["status", "discharged_at", "updated_at"])
    rtr = ReturnToRun.objects.filter(case=case).first()
    discharge = Discharge.objects.create(
        case=case,
        summary=summary.strip(),
        discharged_by=by,
        discharged_at=now,
        cleared_to_run=rtr is not None and rtr.decision == Decision.CLEARED,
    )
    # Outbox: the discharge_checkin reminders (14 and 42 days later), in this transaction.
    reminders.reminders_for_discharge(case=case, discharged_at=now)
    return discharge
