"""The patient's opt-out link: stop all reminders without logging in."""

from __future__ import annotations

from django.core import signing
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from clinic import audit
from clinic.models import AuditAction, Patient
from reminders.messages import patient_id_from_stop_token
from reminders.services import actions


@require_http_methods(["GET", "POST"])
def stop(request, token: str):
    """GET asks to confirm (a link preview must not unsubscribe); POST withdraws consent."""
    try:
        patient_id = patient_id_from_stop_token(token)
    except signing.BadSignature:
        # Also signing.SignatureExpired, its subclass.
        return render(request, "reminders/stop_invalid.html", status=400)
    if not Patient.objects.filter(pk=patient_id).exists():
        return render(request, "reminders/stop_invalid.html", status=400)
    if request.method == "POST":
        patient = actions.reminder_consent_withdraw(patient_id=patient_id)
        audit.touch(request, patient, AuditAction.UPDATE)
        return render(request, "reminders/stop_done.html")
    return render(request, "reminders/stop_confirm.html", {"token": token})
