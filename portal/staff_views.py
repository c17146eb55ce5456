"""The clinic's pages of the portal: reception confirms the intakes runners answered from home;
the case page's buttons ask a questionnaire from home and send the private link."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from clinic import audit, roles
from clinic.errors import Conflict, Invalid
from clinic.models import AuditAction
from clinic.selectors import cases_visible_to, clinical_cases_visible_to
from clinic.views import role_required
from portal import selectors, services
from rehab.instruments.catalogue import INSTRUMENTS


@role_required(roles.RECEPTION, roles.ADMIN)
def intakes_to_confirm(request):
    """Answered from home, to confirm: one click turns each into the case's intake."""
    invitations = list(selectors.invitations_to_confirm(request.user))
    audit.touch_many(request, invitations, AuditAction.VIEW)
    return render(request, "portal/intakes_to_confirm.html", {"invitations": invitations})


@role_required(roles.RECEPTION, roles.ADMIN)
def intake_confirm(request, pk: int):
    """Confirm the runner's answers into the case (POST): triage runs, nothing is retyped."""
    invitation = get_object_or_404(selectors.invitations_visible_to(request.user), pk=pk)
    if request.method != "POST":
        return redirect("portal:intakes-to-confirm")
    try:
        intake = services.intake_invitation_confirm(invitation=invitation, by=request.user)
    except Conflict as exc:
        messages.info(request, exc.message)
        return redirect("portal:intakes-to-confirm")
    audit.touch(request, invitation, AuditAction.UPDATE)
    audit.touch(request, intake, AuditAction.CREATE)
    return redirect("triage:intake-result", pk=intake.pk)


@role_required(roles.PHYSIO)
def case_ask(request, pk: int):
    """The assigned physio asks a questionnaire from home now (POST; sent by the next tick).
    The CAIT is asked on the case's side."""
    case = get_object_or_404(clinical_cases_visible_to(request.user), pk=pk)
    if request.method != "POST":
        return redirect(f"/rehab/cases/{case.pk}/")
    instrument = request.POST.get("instrument", "")
    if instrument not in INSTRUMENTS:
        messages.error(request, "Choose a questionnaire to send.")
        return redirect(f"/rehab/cases/{case.pk}/")
    side = case.side if instrument == "cait" and case.side in ("left", "right") else ""
    try:
        made = services.outcome_request_create(
            case=case, instrument=instrument, side=side, due_at=timezone.now(), by=request.user
        )
    except Invalid as exc:
        messages.error(request, " ".join(exc.messages))
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        audit.touch(request, made, AuditAction.CREATE)
        messages.success(request, f"{INSTRUMENTS[instrument].name}: asked from home.")
    return redirect(f"/rehab/cases/{case.pk}/")


@role_required(roles.PHYSIO, roles.DOCTOR)
def case_link(request, pk: int):
    """Send the case's patient their private link (POST), from the case page."""
    case = get_object_or_404(cases_visible_to(request.user).select_related("patient"), pk=pk)
    if request.method != "POST":
        return redirect(f"/rehab/cases/{case.pk}/")
    try:
        link = services.portal_link_create(patient=case.patient, by=request.user)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        audit.touch(request, link, AuditAction.CREATE)
        messages.success(request, "The private link is on its way to the runner.")
    return redirect(f"/rehab/cases/{case.pk}/")
