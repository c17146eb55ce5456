"""The physio's pages: caseload, case page, plan, session log, questionnaires, return to run
and discharge. Each write calls the same service as the API."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from clinic import audit, roles
from clinic.concurrency import etag_for, stale_form_check
from clinic.errors import Conflict, Invalid
from clinic.forms import add_service_errors
from clinic.idempotency import created_redirect, idempotent_form
from clinic.models import AuditAction
from clinic.page_pagination import BadCursor, bad_cursor_page, bounded_count, keyset_page
from clinic.panels import case_panels, shown_records
from clinic.views import role_required
from rehab import selectors
from rehab.forms import (
    DischargeForm,
    OutcomeForm,
    PlanForm,
    ReturnToRunForm,
    SessionLogForm,
    SessionRecordForm,
    initial_for_rtr,
)
from rehab.instruments.catalogue import INSTRUMENTS
from rehab.instruments.scoring import AnswerError
from rehab.models import SessionStatus
from rehab.services import alerts as alert_services
from rehab.services import discharge as discharge_services
from rehab.services import outcomes as outcome_services
from rehab.services import plans as plan_services
from rehab.services import return_to_run as rtr_services
from rehab.services import sessions as session_services
from rehab.views.common import assigned_case, visible_case, visible_session


def _case_url(case) -> str:
    return f"/rehab/cases/{case.pk}/"


def _conflict(request, case, exc: Conflict):
    messages.error(request, exc.message)
    return redirect(_case_url(case))


# A caption counts the physio's active cases up to this many (no clinic's physio carries more).
CASELOAD_COUNT_CAP = 500


@role_required(roles.PHYSIO)
def caseload(request):
    """My caseload, a page at a time: each active case with its next session and the last pain
    recorded; above it, every open alert of the caseload, whichever page is shown."""
    try:
        page = keyset_page(
            request,
            selectors.caseload(request.user),
            selectors.CASELOAD_ORDER,
            salt="physio-caseload",
        )
    except BadCursor:
        return bad_cursor_page(request)
    cases = page.rows
    whole = page.is_first and page.next_url is None
    # Alerted cases come first: a first page whose last row has none holds every one of them.
    holds_every_alert = whole or (page.is_first and not cases[-1].has_open_alert)
    alerted = selectors.caseload_alerted(
        request.user, first_rows=cases if holds_every_alert else None
    )
    alerts = {case.pk: case.open_alerts for case in alerted}
    extras = selectors.caseload_extras(cases)
    for case in cases:
        case.adherence = extras[case.pk]["adherence"]
        case.run_decision = extras[case.pk]["run_decision"]
        case.open_alerts = alerts.get(case.pk, [])
    if whole:
        active, more = len(cases), False
    else:
        active, more = bounded_count(
            selectors.active_caseload(request.user), cap=CASELOAD_COUNT_CAP
        )
    audit.touch_many(request, [*cases, *alerted])
    audit.touch_many(request, [alert for case in alerted for alert in case.open_alerts])
    return render(
        request,
        "rehab/caseload.html",
        {
            "cases": cases,
            "page": page,
            "alerted": alerted,
            "active_count": active,
            "active_more": more,
            "now": timezone.now(),
        },
    )


@role_required(roles.PHYSIO)
def alert_acknowledge(request, pk: int):
    """The assigned physio has seen an alert (POST only): back to the caseload."""
    if request.method != "POST":
        return redirect("rehab:caseload")
    alert = get_object_or_404(selectors.alerts_visible_to(request.user), pk=pk)
    try:
        alert = alert_services.alert_acknowledge(alert=alert, by=request.user)
    except Conflict as exc:
        messages.info(request, exc.message)
    else:
        audit.touch(request, alert, AuditAction.UPDATE)
        messages.success(request, "Alert acknowledged.")
    return redirect("rehab:caseload")


@role_required(*roles.CLINICAL_ROLES)
def case_page(request, pk: int):
    """The case as the physio works it: plan, sessions, charts, return to run, discharge."""
    case = visible_case(request, pk)
    panels = case_panels(case, request.user)
    audit.touch_many(request, [case, *shown_records(panels)])
    return render(
        request, "rehab/case.html", {"case": case, "patient": case.patient, "panels": panels}
    )


@role_required(roles.PHYSIO)
def plan_edit(request, pk: int):
    """Write or change the case's treatment plan."""
    case = assigned_case(request, pk)
    plan = selectors.case_plan(case)
    initial = (
        {
            "goals": plan.goals,
            "planned_sessions": plan.planned_sessions,
            "frequency": plan.frequency,
            "home_exercises": plan.home_exercises,
            "started_on": plan.started_on,
        }
        if plan
        else {"started_on": timezone.localdate()}
    )
    form = PlanForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and plan is not None:
        # Two physios (or two tabs) never silently overwrite each other's plan.
        plan, conflict = stale_form_check(request, plan, form)
    if request.method == "POST" and conflict is None and form.is_valid():
        creating = plan is None
        try:
            if creating:
                plan = plan_services.plan_create(case=case, by=request.user, **form.cleaned_data)
            else:
                plan = plan_services.plan_update(plan=plan, by=request.user, **form.cleaned_data)
        except Conflict as exc:
            return _conflict(request, case, exc)
        audit.touch(request, plan, AuditAction.CREATE if creating else AuditAction.UPDATE)
        messages.success(request, "Treatment plan saved.")
        return redirect(_case_url(case))
    audit.touch_many(request, [case, *([plan] if plan else [])], AuditAction.VIEW)
    return render(
        request,
        "rehab/plan_form.html",
        {
            "case": case,
            "patient": case.patient,
            "form": form,
            "plan": plan,
            "version": etag_for(plan) if plan else "",
            "conflict": conflict,
            "conflict_at": plan.updated_at if plan else None,
        },
    )


def _save_session(request, case, form, action, save):
    """Run a session service for a page: a 409 shows the conflict page, a broken rule goes
    beside its field (None: render the form again), success goes back to the case."""
    try:
        session = save()
    except Conflict as exc:
        return _conflict(request, case, exc)
    except Invalid as exc:
        add_service_errors(form, exc)
        return None
    audit.touch(request, session, action)
    messages.success(request, "Session logged.")
    if action == AuditAction.CREATE:
        return created_redirect(_case_url(case))
    return redirect(_case_url(case))


@role_required(roles.PHYSIO)
@idempotent_form
def session_record(request, pk: int):
    """Record a session that took place without a booking (attended or no-show)."""
    case = assigned_case(request, pk)
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = SessionRecordForm(
        request.POST or None, initial={"scheduled_at": now, "duration_minutes": 45}
    )
    if request.method == "POST" and form.is_valid():
        response = _save_session(
            request,
            case,
            form,
            AuditAction.CREATE,
            lambda: session_services.session_record(
                case=case,
                by=request.user,
                scheduled_at=form.cleaned_data["scheduled_at"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                status=form.cleaned_data["status"],
                **form.clinical(),
            ),
        )
        if response is not None:
            return response
    audit.touch(request, case, AuditAction.VIEW)
    return render(
        request,
        "rehab/session_log.html",
        {"case": case, "patient": case.patient, "form": form, "session": None},
    )


@role_required(roles.PHYSIO)
def session_log(request, pk: int):
    """Log a booked session: attended (what was done, pain) or no-show."""
    session = visible_session(request, pk)
    case = assigned_case(request, session.case_id)
    initial = {"status": SessionStatus.ATTENDED}
    if session.status == SessionStatus.ATTENDED:
        initial.update(
            interventions=session.interventions,
            pain_before=session.pain_before,
            pain_after=session.pain_after,
            dorsiflexion_deg=session.dorsiflexion_deg,
            notes=session.notes,
            home_exercises=session.home_exercises,
        )
    form = SessionLogForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        response = _save_session(
            request,
            case,
            form,
            AuditAction.UPDATE,
            lambda: session_services.session_log(
                session=session,
                by=request.user,
                status=form.cleaned_data["status"],
                **form.clinical(),
            ),
        )
        if response is not None:
            return response
    audit.touch(request, session, AuditAction.VIEW)
    return render(
        request,
        "rehab/session_log.html",
        {"case": case, "patient": case.patient, "form": form, "session": session},
    )


@role_required(roles.PHYSIO)
@idempotent_form
def outcome_new(request, pk: int):
    """Choose a questionnaire, then fill it in with the patient; scored on saving."""
    case = assigned_case(request, pk)
    code = request.GET.get("instrument") or request.POST.get("instrument")
    if request.method != "POST":
        audit.touch(request, case, AuditAction.VIEW)
    if not code:
        return render(
            request,
            "rehab/outcome_choose.html",
            {"case": case, "patient": case.patient, "instruments": INSTRUMENTS.values()},
        )
    instrument = INSTRUMENTS.get(code)
    if instrument is None:
        raise Http404("No such questionnaire.")
    form = OutcomeForm(request.POST or None, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        try:
            measure = outcome_services.outcome_record(
                case=case,
                instrument=code,
                answers=form.answers(),
                by=request.user,
                side=form.cleaned_data.get("side") or "",
                recorded_at=form.recorded_at(),
            )
        except AnswerError as exc:
            form.add_answer_errors(exc.errors)
        except Invalid as exc:
            if "recorded_at" in exc.errors:
                exc.errors["filled_on"] = exc.errors.pop("recorded_at")
            add_service_errors(form, exc)
        else:
            audit.touch(request, measure, AuditAction.CREATE)
            messages.success(request, f"{instrument.name} saved: {measure.interpretation}")
            return created_redirect(_case_url(case))
    return render(
        request,
        "rehab/outcome_form.html",
        {"case": case, "patient": case.patient, "form": form, "instrument": instrument},
    )


@role_required(roles.PHYSIO)
def return_to_run(request, pk: int):
    """Tick the return-to-run checklist and record the decision."""
    case = assigned_case(request, pk)
    rtr = selectors.case_return_to_run(case)
    current = (
        request.POST.get("checklist")
        or request.GET.get("checklist")
        or (rtr.checklist if rtr else rtr_services.default_checklist(case))
    )
    if current not in dict(ReturnToRunForm.base_fields["checklist"].choices):
        current = rtr_services.default_checklist(case)
    initial = initial_for_rtr(rtr) if rtr and rtr.checklist == current else {}
    initial["checklist"] = current
    switching = request.method == "POST" and "switch" in request.POST
    form = ReturnToRunForm(
        None if switching else (request.POST or None), checklist=current, initial=initial
    )
    if request.method == "POST" and not switching and form.is_valid():
        data = form.cleaned_data
        existed = rtr is not None
        try:
            rtr = rtr_services.return_to_run_update(
                case=case,
                by=request.user,
                checklist=current,
                values=form.values(),
                decision=data.get("decision") or "",
                decided_on=data.get("decided_on"),
                reason=data.get("reason") or "",
                override_reason=data.get("override_reason") or "",
            )
            for measure, (left, right) in form.measures().items():
                rtr_services.return_to_run_measure(
                    case=case, by=request.user, measure=measure, left=left, right=right
                )
        except Conflict as exc:
            return _conflict(request, case, exc)
        except Invalid as exc:
            add_service_errors(form, exc)
        else:
            audit.touch(request, rtr, AuditAction.UPDATE if existed else AuditAction.CREATE)
            messages.success(request, "Return-to-run check saved.")
            return redirect(_case_url(case))
    audit.touch_many(request, [case, *([rtr] if rtr else [])], AuditAction.VIEW)
    return render(
        request,
        "rehab/return_to_run.html",
        {"case": case, "patient": case.patient, "form": form, "rtr": rtr},
    )


@role_required(roles.PHYSIO)
@idempotent_form
def discharge(request, pk: int):
    """Discharge the case with a summary."""
    case = assigned_case(request, pk)
    form = DischargeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = discharge_services.case_discharge(
                case=case, by=request.user, summary=form.cleaned_data["summary"]
            )
        except Conflict as exc:
            return _conflict(request, case, exc)
        except Invalid as exc:
            add_service_errors(form, exc)
        else:
            audit.touch(request, record, AuditAction.CREATE)
            messages.success(request, "The case is discharged.")
            return created_redirect(_case_url(case))
    audit.touch(request, case, AuditAction.VIEW)
    return render(
        request, "rehab/discharge.html", {"case": case, "patient": case.patient, "form": form}
    )
