"""Pages of the clinic core: the role's home, patient search and the patient page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from clinic import audit, errors, kept_forms, roles, selectors, services
from clinic.bookings import patient_bookings
from clinic.concurrency import etag_for, stale_form_check
from clinic.forms import AssignPhysioForm, PatientForm, add_service_errors
from clinic.panels import patient_panels, shown_records


def role_required(*allowed: str):
    """Page decorator: log in first, then only the listed roles (others get 403).

    A service's ``NotFound`` or ``NotAllowed`` that the page does not handle itself answers
    the page's 404 or 403 (clinic.errors); the forms show the rest (add_service_errors).
    A form posted after the session expired is kept and given back after the login
    (clinic.kept_forms).
    """

    def decorator(view):
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                # A form posted after the idle log-off is kept for after the login.
                if request.method == "POST" and kept_forms.keep(request):
                    messages.warning(
                        request,
                        "You were logged out after a while without activity. Log in again: "
                        "what you typed is kept.",
                    )
                return redirect_to_login(request.get_full_path())
            if roles.role_of(request.user) not in allowed:
                raise PermissionDenied
            if request.method == "GET":
                request.kept_form = kept_forms.take(request)
            try:
                response = view(request, *args, **kwargs)
            except errors.NotFound as exc:
                raise Http404(exc.message) from exc
            except errors.NotAllowed as exc:
                raise PermissionDenied(exc.message) from exc
            kept_forms.remember_owner(request, response)
            return response

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorator


STAFF = (roles.RECEPTION, roles.DOCTOR, roles.PHYSIO, roles.ADMIN)


@login_required
def home(request):
    """Send each role to its own landing page (registered by the app that holds it)."""
    role = roles.role_of(request.user)
    if role is None:
        raise PermissionDenied("Your account has no clinic role yet. Ask an administrator.")
    # Without an app that holds the role's daily work, the patient search is everyone's page.
    return redirect(roles.home_of(role) or "patient-search")


@role_required(*STAFF)
def patient_list(request):
    """Find a patient by name, MRN or date of birth."""
    term = request.GET.get("q", "")
    patients = []
    if term.strip():
        patients = list(selectors.patients_found(request.user, term)[:50])
        audit.touch_many(request, patients)
    return render(request, "clinic/patient_list.html", {"term": term, "patients": patients})


@role_required(*STAFF)
def patient_detail(request, pk: int):
    """The patient's record, the hub of their care: contact details, cases, bookings, the
    sections other apps add (reminders), and the way to a new intake."""
    patient = get_object_or_404(selectors.patients_visible_to(request.user), pk=pk)
    cases = list(
        selectors.cases_visible_to(request.user)
        .filter(patient=patient)
        .select_related("assigned_physio")
        .order_by("-opened_at")
    )
    upcoming, past = patient_bookings(patient, request.user)
    sections = patient_panels(patient, request.user)
    shown = [b.record for b in (*upcoming, *past)] + shown_records(sections)
    audit.touch_many(request, [patient, *cases, *shown])
    return render(
        request,
        "clinic/patient_detail.html",
        {
            "patient": patient,
            "cases": cases,
            "upcoming": upcoming,
            "past": past,
            "panels": sections,
        },
    )


@role_required(roles.RECEPTION, roles.ADMIN)
def patient_edit(request, pk: int):
    """Edit demographics; a form saved over someone else's newer change is refused and shown."""
    patient = get_object_or_404(selectors.patients_visible_to(request.user), pk=pk)
    conflict = None
    if request.method == "POST":
        # Keep what this user typed even when the save is refused.
        form = PatientForm(request.POST, instance=patient)
        patient, conflict = stale_form_check(request, patient, form)
        if conflict is None and form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "allow_duplicate"}
            try:
                services.patient_update(patient=patient, **data)
            except errors.Invalid as exc:
                add_service_errors(form, exc)
            else:
                audit.touch(request, patient, "update")
                messages.success(request, "The patient's details are saved.")
                return redirect("patient-record", pk=patient.pk)
    else:
        form = PatientForm(instance=patient)
    audit.touch(request, patient, "view")
    return render(
        request,
        "clinic/patient_edit.html",
        {
            "patient": patient,
            "form": form,
            "version": etag_for(patient),
            "conflict": conflict,
            "conflict_at": patient.updated_at,
        },
    )


@role_required(*roles.PHYSIO_ASSIGNERS)
@require_POST
def case_assign_physio(request, pk: int):
    """Assign or change the case's physio (services.case_update, as the API), then go back to
    the page the form was on."""
    case = get_object_or_404(selectors.cases_visible_to(request.user), pk=pk)
    form = AssignPhysioForm(request.POST, case=case)
    back = form.data.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    back = back or reverse("patient-record", args=[case.patient_id])
    if not form.is_valid():
        messages.error(request, "Choose an active physio from the list.")
        return redirect(back)
    physio = form.cleaned_data["assigned_physio"]
    try:
        services.case_update(case=case, by=request.user, assigned_physio=physio)
    except errors.Invalid as exc:
        messages.error(request, " ".join(m for found in exc.errors.values() for m in found))
        return redirect(back)
    except errors.Conflict as exc:
        messages.error(request, exc.message)
        return redirect(back)
    audit.touch(request, case, "update")
    messages.success(
        request, f"Case #{case.pk} is now with {physio.get_full_name() or physio.username}."
    )
    return redirect(back)


@login_required
def keep_alive(request):
    """ "Stay logged in" before the idle log-off: touching the session restarts its idle time
    (SESSION_SAVE_EVERY_REQUEST). No content, no patient data."""
    return HttpResponse(status=204)
