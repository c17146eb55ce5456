"""The clinic's pages of the portal: reception confirms the intakes runners answered from home."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from clinic import audit, roles
from clinic.errors import Conflict
from clinic.models import AuditAction
from clinic.views import role_required
from portal import selectors, services


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
