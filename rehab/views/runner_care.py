"""The physio's pages for the runner between visits: the home exercise programme (prescribe,
change, print, a paper diary's day) and the return-to-run log (the plan, a run, an override).
Each write calls the same service as the API."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from clinic import audit, roles
from clinic.errors import Conflict, Invalid
from clinic.forms import add_service_errors
from clinic.idempotency import created_redirect, idempotent_form
from clinic.models import AuditAction
from clinic.views import role_required
from rehab import selectors
from rehab.forms import (
    ExerciseLogForm,
    ProgrammeForm,
    ProgrammeItemFormSet,
    RunForm,
    RunOverrideForm,
    RunPlanForm,
)
from rehab.services import programmes as programme_services
from rehab.services import runs as run_services
from rehab.views.common import assigned_case, visible_case


def _case_url(case) -> str:
    return f"/rehab/cases/{case.pk}/"


def _conflict(request, case, exc: Conflict):
    messages.error(request, exc.message)
    return redirect(_case_url(case))


def _item_rows(formset) -> list[dict]:
    return [
        {name: form.cleaned_data.get(name) for name in ("id", *programme_services.ITEM_FIELDS)}
        for form in formset.forms
        if form.cleaned_data.get("exercise") is not None
    ]


@role_required(roles.PHYSIO)
@idempotent_form
def programme_edit(request, pk: int):
    """Prescribe the case's home exercise programme, or change the one it follows."""
    case = assigned_case(request, pk)
    programme = selectors.case_programme(case)
    initial_items = [
        {
            "id": item.pk,
            "exercise": item.exercise_id,
            "sets": item.sets,
            "reps": item.reps,
            "hold_seconds": item.hold_seconds,
            "per_week": item.per_week,
            "notes": item.notes,
        }
        for item in (programme.active_items if programme else [])
    ]
    form = ProgrammeForm(
        request.POST or None,
        initial={"starts_on": programme.starts_on if programme else timezone.localdate()},
    )
    formset = ProgrammeItemFormSet(request.POST or None, initial=initial_items, prefix="items")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        items = _item_rows(formset)
        try:
            if programme is None:
                programme = programme_services.programme_prescribe(
                    case=case,
                    by=request.user,
                    items=items,
                    starts_on=form.cleaned_data["starts_on"],
                )
                audit.touch(request, programme, AuditAction.CREATE)
                messages.success(request, "Home exercise programme prescribed.")
                return created_redirect(_case_url(case))
            programme = programme_services.programme_change(
                programme=programme,
                by=request.user,
                items=items,
                starts_on=form.cleaned_data["starts_on"],
            )
        except Conflict as exc:
            return _conflict(request, case, exc)
        except Invalid as exc:
            add_service_errors(form, exc)
        else:
            audit.touch(request, programme, AuditAction.UPDATE)
            messages.success(request, "Home exercise programme changed.")
            return redirect(_case_url(case))
    audit.touch_many(request, [case, *([programme] if programme else [])], AuditAction.VIEW)
    return render(
        request,
        "rehab/programme_form.html",
        {
            "case": case,
            "patient": case.patient,
            "form": form,
            "formset": formset,
            "programme": programme,
        },
    )


@role_required(*roles.CLINICAL_ROLES)
def programme_print(request, pk: int):
    """The programme on one printable page, for a runner without a phone."""
    case = visible_case(request, pk)
    programme = selectors.case_programme(case)
    plan = selectors.case_run_plan(case)
    audit.touch_many(
        request, [case, *(r for r in (programme, plan) if r is not None)], AuditAction.VIEW
    )
    return render(
        request,
        "rehab/programme_print.html",
        {
            "case": case,
            "patient": case.patient,
            "programme": programme,
            "run_plan": plan,
            "stage_words": selectors.stage_words(plan, plan.stage) if plan else "",
        },
    )


@role_required(roles.PHYSIO)
@idempotent_form
def exercise_log_new(request, pk: int):
    """Enter one day of the runner's paper diary."""
    case = assigned_case(request, pk)
    programme = selectors.case_programme(case)
    if programme is None:
        messages.error(request, "Prescribe a programme first.")
        return redirect(_case_url(case))
    form = ExerciseLogForm(
        request.POST or None,
        items=programme.active_items,
        initial={"date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            log = programme_services.exercise_log_record(
                programme=programme,
                by=request.user,
                date=form.cleaned_data["date"],
                completed=[int(pk) for pk in form.cleaned_data["completed"]],
                pain=form.cleaned_data["pain"],
            )
        except Conflict as exc:
            form.add_error("date", exc.message)
        except Invalid as exc:
            add_service_errors(form, exc)
        else:
            audit.touch(request, log, AuditAction.CREATE)
            messages.success(request, "Exercise day logged.")
            return created_redirect(_case_url(case))
    audit.touch_many(request, [case, programme], AuditAction.VIEW)
    return render(
        request,
        "rehab/simple_form.html",
        {
            "case": case,
            "patient": case.patient,
            "form": form,
            "title": "Log a day of home exercises",
            "submit": "Save the day",
            "creating": True,
        },
    )


@role_required(roles.PHYSIO)
@idempotent_form
def run_plan_edit(request, pk: int):
    """Start the walk-run progression (the runner is cleared to begin), or change the plan."""
    case = assigned_case(request, pk)
    plan = selectors.case_run_plan(case)
    fields = ("template", "stage", "shoe_model", "shoe_km", "shoe_change_on")
    fields += ("cadence_cue", "technique_cues")
    initial = {name: getattr(plan, name) for name in fields} if plan else {"stage": 1}
    form = RunPlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if plan is None:
                plan = run_services.run_plan_start(case=case, by=request.user, **form.cleaned_data)
                audit.touch(request, plan, AuditAction.CREATE)
                messages.success(request, "Return-to-run plan started.")
                return created_redirect(_case_url(case))
            plan = run_services.run_plan_update(plan=plan, by=request.user, **form.cleaned_data)
        except Conflict as exc:
            return _conflict(request, case, exc)
        except Invalid as exc:
            add_service_errors(form, exc)
        else:
            audit.touch(request, plan, AuditAction.UPDATE)
            messages.success(request, "Return-to-run plan saved.")
            return redirect(_case_url(case))
    audit.touch_many(request, [case, *([plan] if plan else [])], AuditAction.VIEW)
    return render(
        request,
        "rehab/simple_form.html",
        {
            "case": case,
            "patient": case.patient,
            "form": form,
            "title": "Change the return-to-run plan" if plan else "Start the return-to-run plan",
            "submit": "Save the plan",
            "creating": plan is None,
        },
    )


@role_required(roles.PHYSIO)
@idempotent_form
def run_new(request, pk: int):
    """Enter a run from the runner's paper diary; the model decides it."""
    case = assigned_case(request, pk)
    form = RunForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            run = run_services.run_log(case=case, by=request.user, **form.cleaned_data)
        except Conflict as exc:
            return _conflict(request, case, exc)
        except Invalid as exc:
            add_service_errors(form, exc)
        else:
            audit.touch(request, run, AuditAction.CREATE)
            messages.success(request, f"Run logged: {run.get_decision_display().lower()}.")
            return created_redirect(_case_url(case))
    audit.touch(request, case, AuditAction.VIEW)
    return render(
        request,
        "rehab/simple_form.html",
        {
            "case": case,
            "patient": case.patient,
            "form": form,
            "title": "Log a run",
            "submit": "Save the run",
            "creating": True,
        },
    )


@role_required(roles.PHYSIO)
def run_override(request, pk: int):
    """Decide a run otherwise than the model, with the reason."""
    run = get_object_or_404(selectors.runs_visible_to(request.user), pk=pk)
    case = assigned_case(request, run.case_id)
    form = RunOverrideForm(
        request.POST or None,
        initial={"decision": run.effective_decision, "reason": run.override_reason},
    )
    if request.method == "POST" and form.is_valid():
        try:
            run = run_services.run_override(run=run, by=request.user, **form.cleaned_data)
        except Conflict as exc:
            return _conflict(request, case, exc)
        except Invalid as exc:
            add_service_errors(form, exc)
        else:
            audit.touch(request, run, AuditAction.UPDATE)
            messages.success(request, "Decision changed.")
            return redirect(_case_url(case))
    audit.touch(request, run, AuditAction.VIEW)
    return render(
        request,
        "rehab/simple_form.html",
        {
            "case": case,
            "patient": case.patient,
            "form": form,
            "title": f"Decide the run of {run.date:%d %b %Y} (the model: "
            f"{run.get_decision_display().lower()})",
            "submit": "Save the decision",
            "creating": False,
        },
    )
