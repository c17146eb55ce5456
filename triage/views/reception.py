"""Reception pages: today's intakes, find or register a patient, the questionnaire, the result."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from clinic import audit, roles, selectors
from clinic import services as clinic_services
from clinic.errors import Invalid
from clinic.forms import PatientForm, add_service_errors
from clinic.idempotency import created_redirect, idempotent_form
from clinic.views import role_required
from clinic.vocabulary import URGENCY_WORDING
from triage import selectors as triage_selectors
from triage.forms import IntakeForm
from triage.services import intake as intake_services
from triage.vocabulary import RED_FLAG_LABELS

RECEPTION = (roles.RECEPTION, roles.ADMIN)


@role_required(*RECEPTION)
def reception_home(request):
    """Today's intakes, most urgent first, and the way to start a new one."""
    term = request.GET.get("q", "")
    patients = []
    if term.strip():
        patients = list(selectors.patients_found(request.user, term)[:25])
        audit.touch_many(request, patients)
    intakes = list(triage_selectors.intakes_today(request.user))
    audit.touch_many(request, intakes)
    return render(
        request,
        "triage/reception_home.html",
        {"intakes": intakes, "term": term, "patients": patients},
    )


@role_required(*RECEPTION)
@idempotent_form
def patient_register(request):
    """Register a new patient; warn about a likely or near duplicate (accents, letter case,
    hyphens, a date of birth one day off or with day and month swapped) and let reception
    choose: use the existing record, or register anyway."""
    similar: list[selectors.SimilarPatient] = []
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        allow_duplicate = data.pop("allow_duplicate", False)
        if not allow_duplicate:
            similar = selectors.patients_similar(
                request.user,
                given_name=data["given_name"],
                family_name=data["family_name"],
                date_of_birth=data["date_of_birth"],
            )
        if not similar:
            try:
                patient = clinic_services.patient_create(**data, allow_duplicate=allow_duplicate)
            except clinic_services.DuplicatePatient as exc:
                similar = [selectors.SimilarPatient(exc.match, "same name and date of birth")]
            except Invalid as exc:
                add_service_errors(form, exc)
            else:
                audit.touch(request, patient, "create")
                messages.success(request, f"{patient.full_name} is registered as {patient.mrn}.")
                return created_redirect("triage:intake-new", patient_pk=patient.pk)
        audit.touch_many(request, [found.patient for found in similar], "view")
    return render(request, "triage/patient_register.html", {"form": form, "similar": similar})


@role_required(*RECEPTION)
@idempotent_form
def intake_new(request, patient_pk: int):
    """The questionnaire for one patient; saving it opens a triaged case."""
    patient = get_object_or_404(selectors.patients_visible_to(request.user), pk=patient_pk)
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        intake = intake_services.intake_create(
            recorded_by=request.user, patient=patient, questionnaire=form.cleaned_data
        )
        audit.touch(request, intake, "create")
        audit.touch(request, intake.case, "create")
        return created_redirect("triage:intake-result", pk=intake.pk)
    audit.touch(request, patient, "view")
    return render(request, "triage/intake_form.html", {"form": form, "patient": patient})


@role_required(*RECEPTION, roles.DOCTOR)
def intake_result(request, pk: int):
    """The triage: urgency, the running advice, what to tell the patient, the next step."""
    intake = get_object_or_404(
        triage_selectors.intakes_visible_to(request.user).select_related(
            "case__patient", "case__assigned_physio"
        ),
        pk=pk,
    )
    audit.touch(request, intake, "view")
    patient = intake.case.patient
    wording = URGENCY_WORDING[intake.urgency]
    if settings.CLINIC_BOOKING_URL:
        # The clinic's own booking tool, when it has one.
        booking_url = settings.CLINIC_BOOKING_URL.format(mrn=patient.mrn)
    elif intake.urgency == "routine":
        booking_url = reverse("rehab:session-book") + f"?case={intake.case_id}"
    else:
        booking_url = None  # the case heads the doctors' list, most urgent first
    return render(
        request,
        "triage/intake_result.html",
        {
            "intake": intake,
            "patient": patient,
            "explanation": wording.next_step,
            "booking_label": wording.booking,
            "booking_url": booking_url,
            "red_flags": [RED_FLAG_LABELS.get(flag, flag) for flag in intake.red_flags],
        },
    )
