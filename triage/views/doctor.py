"""Doctors' pages: the case list, the case page, exams, diagnoses, imaging and reports to review.

Reads go through the scoping selectors, writes through ``triage.services`` (the same
functions as the API), and every patient record shown or written is audited with
``clinic.audit.touch``. Reception has no access to these pages (403): it never sees
clinical notes, and its own case views are elsewhere.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from clinic import audit, roles
from clinic.errors import Conflict, Invalid, InvalidTransition, NotAllowed
from clinic.filters import ID_MAX
from clinic.forms import add_service_errors
from clinic.idempotency import created_redirect, idempotent_form
from clinic.models import AuditAction
from clinic.page_pagination import BadCursor, Key, bad_cursor_page, keyset_page
from clinic.panels import case_panels, shown_records
from clinic.selectors import clinical_cases_visible_to
from clinic.timeline import audit_timeline, case_timeline, timeline_items
from clinic.views import role_required
from triage import doctor_forms as forms
from triage import selectors
from triage.models import Condition, Consultation, Diagnosis, DiagnosisStatus, Examination
from triage.services import consultations as consultation_services
from triage.services import diagnoses as diagnosis_services
from triage.services import examinations as exam_services
from triage.services import referrals as referral_services
from triage.vocabulary import OTTAWA_EXCLUSION_LABELS, laterality_of

DOCTORS = (roles.DOCTOR, roles.ADMIN)

# How each step of a referral's lifecycle (triage.services.referrals.STEPS) reads on its button.
STEP_BUTTONS = {
    "schedule": "Schedule",
    "perform": "Mark performed",
    "report": "Save report",
    "review": "Mark report reviewed",
    "cancel": "Cancel referral",
}


def _can_write(user) -> bool:
    return roles.role_of(user) in DOCTORS


def _clinical_case(request, pk: int):
    return get_object_or_404(
        clinical_cases_visible_to(request.user).select_related("patient", "assigned_physio"),
        pk=pk,
    )


@role_required(*DOCTORS)
def case_list(request):
    """Cases, urgent first then newest, filtered by status and urgency, a page at a time."""
    form = forms.CaseFilterForm(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    worklist = selectors.doctor_worklist(
        request.user,
        status=chosen.get("status"),
        urgency=chosen.get("urgency"),
        include_ended=chosen.get("include_ended", False),
    )
    try:
        page = keyset_page(request, worklist, CASE_LIST_ORDER, salt="doctor-case-list")
    except BadCursor:
        return bad_cursor_page(request)
    audit.touch_many(request, page.rows, AuditAction.VIEW)
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "cases": page.rows,
            "page": page,
            "reports_waiting": selectors.reports_to_review(request.user).count(),
        },
    )


# The doctors' list order (triage.selectors.doctor_worklist), as its keyset: the partial
# index case_open_worklist reads a page from the cursor on, in this order.
CASE_LIST_ORDER = (
    Key("urgency_rank"),
    Key("opened_at", descending=True),
    Key("id", descending=True),
)


# The case page's own sections, read once through the case's relations (one query each, no
# join the page does not show): the case's timeline, built from the same case instance, reads
# them from there (triage.timeline) instead of a second time. The case itself came through
# ``clinical_cases_visible_to``, so its records are in the user's reach: the same rows as the
# scoping selectors' ``*_visible_to(user).filter(case=case)``.
CASE_PAGE_RECORDS = (
    "intake",
    Prefetch("examinations", queryset=Examination.objects.select_related("examined_by")),
    Prefetch("diagnoses", queryset=Diagnosis.objects.select_related("condition", "diagnosed_by")),
    "imaging_referrals",
    Prefetch("consultations", queryset=Consultation.objects.select_related("doctor")),
)


@role_required(*roles.CLINICAL_ROLES)
def case_detail(request, pk: int):
    """A case: its timeline, exams, diagnoses and imaging, with the doctor's actions."""
    # The case with its intake, in one query. (Its other one-to-one records, the rehab
    # panel's plan, discharge and the like, stay a query each: joined here too, the case's
    # query took PostgreSQL ~1.4 ms more to plan than the four queries cost.)
    case = get_object_or_404(
        clinical_cases_visible_to(request.user).select_related(
            "patient", "assigned_physio", "intake"
        ),
        pk=pk,
    )
    prefetch_related_objects([case], *CASE_PAGE_RECORDS)
    exams = list(case.examinations.all())
    diagnoses = list(case.diagnoses.all())
    referrals = list(case.imaging_referrals.all())
    consultations = list(case.consultations.all())
    panels = case_panels(case, request.user)
    shown = [case, *exams, *diagnoses, *referrals, *consultations, *shown_records(panels)]
    audit.touch_many(request, shown, AuditAction.VIEW)
    intake = getattr(case, "intake", None)  # RelatedObjectDoesNotExist is an AttributeError
    suspected = []
    if intake is not None and intake.suspected_conditions:
        titles = dict(
            Condition.objects.filter(code__in=intake.suspected_conditions).values_list(
                "code", "title"
            )
        )
        suspected = [titles.get(code, code) for code in intake.suspected_conditions]
    timeline = case_timeline(case, request.user)
    audit_timeline(request, case, timeline)
    # The earlier episode is named only to those who may open it (no existence leak).
    earlier_in_reach = (
        case.recurrence_of_id is not None
        and clinical_cases_visible_to(request.user).filter(pk=case.recurrence_of_id).exists()
    )
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "earlier_in_reach": earlier_in_reach,
            "patient": case.patient,
            "intake": intake,
            "suspected": suspected,
            "exams": exams,
            "diagnoses": diagnoses,
            "referrals": referrals,
            "consultations": [
                {
                    "consultation": consultation,
                    # The doctor records their own consultations, on the day or later.
                    "recordable": consultation.doctor_id == request.user.pk
                    and consultation_services.consultation_recordable(consultation=consultation),
                }
                for consultation in consultations
            ],
            "timeline_items": timeline_items(reversed(timeline)),
            "panels": panels,
            "can_write": _can_write(request.user),
        },
    )


@role_required(*DOCTORS)
@idempotent_form
def exam_new(request, pk: int):
    """Record an ankle exam; then show the imaging it recommends."""
    case = _clinical_case(request, pk)
    form = forms.ExaminationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            exam = exam_services.examination_create(
                case=case, examined_by=request.user, findings=form.findings()
            )
        except Invalid as exc:
            add_service_errors(form, exc)
        else:
            audit.touch(request, exam, AuditAction.CREATE)
            return created_redirect("triage:exam-detail", pk=exam.pk)
    audit.touch(request, case, AuditAction.VIEW)
    return render(
        request, "triage/exam_form.html", {"case": case, "patient": case.patient, "form": form}
    )


@role_required(*roles.CLINICAL_ROLES)
def exam_detail(request, pk: int):
    """An exam's findings and the imaging recommendation, with one-click orders."""
    exam = get_object_or_404(selectors.examinations_visible_to(request.user), pk=pk)
    audit.touch(request, exam, AuditAction.VIEW)
    orders = [
        {"study": study, "label": referral_services.STUDY_ORDERS[study]["label"]}
        for study in exam.recommended_studies
        if study in referral_services.STUDY_ORDERS
    ]
    return render(
        request,
        "triage/exam_detail.html",
        {
            "exam": exam,
            "case": exam.case,
            "patient": exam.case.patient,
            "orders": orders,
            "can_write": _can_write(request.user),
            "exclusions": [OTTAWA_EXCLUSION_LABELS.get(e, e) for e in exam.ottawa_exclusions or []],
        },
    )


@require_POST
@role_required(*DOCTORS)
@idempotent_form
def exam_order(request, pk: int):
    """Order a study the exam recommended, in one click."""
    exam = get_object_or_404(selectors.examinations_visible_to(request.user), pk=pk)
    try:
        referral = referral_services.referral_create_from_exam(
            examination=exam, study=request.POST.get("study", ""), requested_by=request.user
        )
    except Invalid as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("triage:exam-detail", pk=exam.pk)
    audit.touch(request, referral, AuditAction.CREATE)
    messages.success(
        request, f"{referral.get_modality_display()} of the {referral.body_site} ordered."
    )
    return created_redirect("triage:referral-detail", pk=referral.pk)


@role_required(*DOCTORS)
@idempotent_form
def diagnosis_new(request, pk: int):
    """Record a diagnosis from the catalogue."""
    case = _clinical_case(request, pk)
    initial = {"laterality": laterality_of(case.side)}
    form = forms.DiagnosisForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            diagnosis = diagnosis_services.diagnosis_create(
                case=case, diagnosed_by=request.user, **form.cleaned_data
            )
        except Invalid as exc:
            add_service_errors(form, exc)
        else:
            audit.touch(request, diagnosis, AuditAction.CREATE)
            messages.success(request, f"Diagnosis recorded: {diagnosis.condition.title}.")
            return created_redirect("triage:case-detail", pk=case.pk)
    audit.touch(request, case, AuditAction.VIEW)
    return render(
        request,
        "triage/diagnosis_form.html",
        {"case": case, "patient": case.patient, "form": form},
    )


@require_POST
@role_required(*DOCTORS)
def diagnosis_status(request, pk: int, status: str):
    """Confirm or refute a provisional diagnosis."""
    if status not in (DiagnosisStatus.CONFIRMED, DiagnosisStatus.REFUTED):
        raise Http404
    diagnosis = get_object_or_404(selectors.diagnoses_visible_to(request.user), pk=pk)
    try:
        diagnosis_services.diagnosis_set_status(diagnosis=diagnosis, status=status, by=request.user)
    except InvalidTransition as exc:
        messages.error(request, str(exc))
    else:
        audit.touch(request, diagnosis, AuditAction.UPDATE)
        messages.success(request, f"Diagnosis {status}: {diagnosis.condition.title}.")
    return redirect("triage:case-detail", pk=diagnosis.case_id)


@role_required(*DOCTORS)
@idempotent_form
def referral_new(request, pk: int):
    """Order imaging, from an exam (``?examination=``) or on its own."""
    case = _clinical_case(request, pk)
    exam = None
    exam_id = request.POST.get("examination") or request.GET.get("examination")
    if exam_id:
        if not exam_id.isdigit() or int(exam_id) > ID_MAX:  # ?examination=abc is no exam
            raise Http404
        exam = get_object_or_404(
            selectors.examinations_visible_to(request.user).filter(case=case), pk=exam_id
        )
    initial = {
        "laterality": laterality_of(case.side),
        "body_site": "ankle",
    }
    form = forms.ReferralForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            referral = referral_services.referral_create(
                case=case, requested_by=request.user, examination=exam, **form.cleaned_data
            )
        except Invalid as exc:
            add_service_errors(form, exc)
        else:
            audit.touch(request, referral, AuditAction.CREATE)
            messages.success(request, "Imaging ordered.")
            return created_redirect("triage:referral-detail", pk=referral.pk)
    audit.touch_many(request, [case, *([exam] if exam else [])], AuditAction.VIEW)
    return render(
        request,
        "triage/referral_form.html",
        {"case": case, "patient": case.patient, "form": form, "exam": exam},
    )


def _referral_page(request, referral, step_forms=None, status=200):
    can_write = _can_write(request.user)
    steps = []
    if can_write:
        for step in referral_services.next_steps(referral=referral, by=request.user):
            form = (step_forms or {}).get(step) or forms.STEP_FORMS[step](prefix=step)
            steps.append({"name": step, "form": form, "button": STEP_BUTTONS[step]})
    return render(
        request,
        "triage/referral_detail.html",
        {
            "referral": referral,
            "case": referral.case,
            "patient": referral.case.patient,
            "steps": steps,
            "errors": [f for f in (step_forms or {}).values() if f.errors],
        },
        status=status,
    )


@role_required(*roles.CLINICAL_ROLES)
def referral_detail(request, pk: int):
    """A referral, its report and the next steps of its lifecycle."""
    referral = get_object_or_404(selectors.referrals_visible_to(request.user), pk=pk)
    audit.touch(request, referral, AuditAction.VIEW)
    return _referral_page(request, referral)


STEP_SERVICES = {
    "schedule": referral_services.referral_schedule,
    "perform": referral_services.referral_perform,
    "report": referral_services.referral_report,
    "review": referral_services.referral_review,
    "cancel": referral_services.referral_cancel,
}


@require_POST
@role_required(*DOCTORS)
def referral_step(request, pk: int, step: str):
    """Move a referral one step on (schedule, perform, report, review, cancel)."""
    if step not in STEP_SERVICES:
        raise Http404
    referral = get_object_or_404(selectors.referrals_visible_to(request.user), pk=pk)
    form = forms.STEP_FORMS[step](request.POST, prefix=step)
    try:
        if not form.is_valid():
            referral_services.referral_check_step(referral=referral, step=step)
            return _referral_page(request, referral, {step: form}, status=400)
        STEP_SERVICES[step](referral=referral, by=request.user, **form.cleaned_data)
    except InvalidTransition as exc:
        messages.error(request, f"{exc} Nothing was changed.")
    except NotAllowed as exc:
        messages.error(request, exc.message)
    except Invalid as exc:
        add_service_errors(form, exc)
        return _referral_page(request, referral, {step: form}, status=400)
    else:
        audit.touch(request, referral, AuditAction.UPDATE)
        messages.success(request, f"Referral {referral.get_status_display().lower()}.")
    return redirect("triage:referral-detail", pk=referral.pk)


@role_required(roles.DOCTOR)
@idempotent_form
def consultation_record(request, pk: int):
    """The doctor records a consultation: attended, with clinical notes, or did not attend."""
    consultation = get_object_or_404(
        selectors.consultations_visible_to(request.user).select_related("case__patient"), pk=pk
    )
    initial = {"notes": consultation.notes}
    form = forms.ConsultationRecordForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                consultation = consultation_services.consultation_log(
                    consultation=consultation, by=request.user, **form.cleaned_data
                )
            except (Invalid, Conflict, NotAllowed) as exc:
                add_service_errors(form, exc)
            else:
                audit.touch(request, consultation, AuditAction.UPDATE)
                messages.success(
                    request,
                    f"Consultation recorded: {consultation.get_status_display().lower()}.",
                )
                return created_redirect("triage:case-detail", pk=consultation.case_id)
        status = 400
    else:
        # A refused POST (400) records nothing, like the referral steps' pages.
        audit.touch(request, consultation, AuditAction.VIEW)
    return render(
        request,
        "triage/consultation_record.html",
        {
            "consultation": consultation,
            "case": consultation.case,
            "patient": consultation.case.patient,
            "form": form,
            "recordable": consultation_services.consultation_recordable(consultation=consultation),
        },
        status=status,
    )


@role_required(*DOCTORS)
def reports_to_review(request):
    """Imaging reports that have come in and wait for a doctor, oldest first."""
    referrals = list(selectors.reports_to_review(request.user)[:200])
    audit.touch_many(request, referrals, AuditAction.VIEW)
    return render(request, "triage/reports_to_review.html", {"referrals": referrals})
