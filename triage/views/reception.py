"""Reception pages: today's intakes, find or register a patient, the questionnaire, the result."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from clinic import audit, bounds, roles, selectors
from clinic import services as clinic_services
from clinic.errors import Conflict, Invalid
from clinic.forms import PatientForm, add_service_errors
from clinic.idempotency import created_redirect, idempotent_form
from clinic.models import ENDED_STATUSES
from clinic.views import role_required
from clinic.vocabulary import URGENCY_WORDING
from diary import selectors as diary_selectors
from diary.services import PATIENT_BUSY, PATIENT_CLASH_FIELD
from triage import selectors as triage_selectors
from triage.forms import ConsultationForm, IntakeForm, UrgentConsultationForm
from triage.services import consultations as consultation_services
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
    # An urgent case: the first free doctor's consultation today, booked in one click.
    booked = list(triage_selectors.upcoming_consultations(request.user, intake.case)[:1])
    offer = None
    if intake.urgency == "urgent" and not booked and not intake.case.is_ended:
        offer = triage_selectors.first_free_consultation_today()
    audit.touch_many(request, booked, "view")
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
            "consultation": booked[0] if booked else None,
            "offer": offer,
        },
    )


@role_required(*RECEPTION, roles.DOCTOR)
@idempotent_form
def consultation_urgent(request, pk: int):
    """Book the consultation the triage result offered (POST): that doctor, that time.

    Taken meanwhile, the result page offers the next free one.
    """
    intake = get_object_or_404(triage_selectors.intakes_visible_to(request.user), pk=pk)
    if request.method != "POST":
        return redirect("triage:intake-result", pk=intake.pk)
    result = reverse("triage:intake-result", args=[intake.pk])
    form = UrgentConsultationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That offer is no longer valid: here is the next free one.")
        return redirect(result)
    try:
        consultation = consultation_services.consultation_book(
            case=intake.case,
            doctor=form.cleaned_data["doctor"],
            scheduled_at=form.cleaned_data["scheduled_at"],
            by=request.user,
        )
    except (Conflict, Invalid) as exc:
        messages.error(request, f"{exc.message} Here is the next free one.")
        return redirect(result)
    audit.touch(request, consultation, "create")
    local = timezone.localtime(consultation.scheduled_at)
    messages.success(request, f"Consultation booked for today at {local:%H:%M}.")
    return created_redirect(result)


def _diary_url(request, consultation) -> str:
    day = timezone.localdate(consultation.scheduled_at).isoformat()
    if roles.role_of(request.user) == roles.DOCTOR:
        return f"{reverse('diary:my-day')}?day={day}"
    return f"{reverse('diary:diary')}?day={day}&practitioner={consultation.doctor_id}"


def _bookable_cases(request):
    """The cases a consultation can be booked on (their patients' names are shown: audited)."""
    cases = (
        selectors.cases_visible_to(request.user)
        .exclude(status__in=ENDED_STATUSES)
        .select_related("patient")
        .order_by("patient__family_name", "patient__given_name", "id")
    )
    audit.touch_many(request, list(cases), "view")
    return cases


@role_required(*RECEPTION, roles.DOCTOR)
@idempotent_form
def consultation_new(request):
    """Book a doctor's consultation; ``?doctor=&at=`` (a free time in the diary) fill it in."""
    initial = {
        name: request.GET[key]
        for key, name in (
            ("case", "case"),
            ("doctor", "doctor"),
            ("at", "scheduled_at"),
            ("duration", "duration_minutes"),
            ("room", "room"),
        )
        if request.GET.get(key)
    }
    patient_clash = ""
    form = ConsultationForm(request.POST or None, cases=_bookable_cases(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consultation = consultation_services.consultation_book(
                case=data["case"],
                doctor=data["doctor"],
                scheduled_at=data["scheduled_at"],
                duration_minutes=data["duration_minutes"],
                room=data["room"],
                by=request.user,
                allow_patient_clash=request.POST.get(PATIENT_CLASH_FIELD) == "on",
            )
        except Conflict as exc:
            if exc.code == PATIENT_BUSY:
                patient_clash = exc.message
            else:
                form.add_error("scheduled_at", exc.message)
        except Invalid as exc:
            add_service_errors(form, exc)
        else:
            audit.touch(request, consultation, "create")
            local = timezone.localtime(consultation.scheduled_at)
            messages.success(request, f"Consultation booked for {local:%d %b %Y, %H:%M}.")
            return created_redirect(_diary_url(request, consultation))
    return render(
        request,
        "triage/consultation_form.html",
        {"form": form, "patient_clash": patient_clash},
    )


@role_required(*RECEPTION, roles.DOCTOR)
def consultation_cancel(request, pk: int):
    """Cancel a booked consultation, with the desk's reason (asks for confirmation first)."""
    consultation = get_object_or_404(
        triage_selectors.consultations_visible_to(request.user).select_related("case__patient"),
        pk=pk,
    )
    error = ""
    if request.method == "POST":
        try:
            consultation = consultation_services.consultation_cancel(
                consultation=consultation, by=request.user, reason=request.POST.get("reason", "")
            )
        except Conflict as exc:
            error = exc.message
        else:
            audit.touch(request, consultation, "update")
            messages.success(request, "Consultation cancelled.")
            return redirect(_diary_url(request, consultation))
    audit.touch(request, consultation, "view")
    return render(
        request,
        "triage/consultation_cancel.html",
        {
            "consultation": consultation,
            "patient": consultation.case.patient,
            "error": error,
            "scheduled": consultation.status == "scheduled",
        },
        status=409 if error else 200,
    )


@role_required(*RECEPTION, roles.DOCTOR)
def consultation_move(request, pk: int):
    """Move a booked consultation by picking one of the doctor's free times of a day."""
    consultation = get_object_or_404(
        triage_selectors.consultations_visible_to(request.user).select_related("case__patient"),
        pk=pk,
    )
    error = patient_clash = ""
    if request.method == "POST":
        form = UrgentConsultationForm(request.POST)  # the same two fields: doctor and time
        if form.is_valid():
            try:
                consultation = consultation_services.consultation_move(
                    consultation=consultation,
                    by=request.user,
                    scheduled_at=form.cleaned_data["scheduled_at"],
                    doctor=form.cleaned_data["doctor"],
                    allow_patient_clash=request.POST.get(PATIENT_CLASH_FIELD) == "on",
                )
            except Conflict as exc:
                if exc.code == PATIENT_BUSY:
                    patient_clash = exc.message
                else:
                    error = exc.message
            except Invalid as exc:
                error = exc.message
            else:
                audit.touch(request, consultation, "update")
                messages.success(request, "Consultation moved.")
                return redirect(_diary_url(request, consultation))
        else:
            error = "Pick one of the free times below."
    audit.touch(request, consultation, "view")
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate(consultation.scheduled_at)
    free = (
        diary_selectors.free_slots(
            practitioner=consultation.doctor,
            first_day=day,
            last_day=day,
            duration_minutes=consultation.duration_minutes,
        )
        if bounds.in_clinic_days(day)
        else []
    )
    return render(
        request,
        "triage/consultation_move.html",
        {
            "consultation": consultation,
            "patient": consultation.case.patient,
            "error": error,
            "patient_clash": patient_clash,
            "day": day,
            "free": free,
        },
        status=409 if error else 200,
    )
