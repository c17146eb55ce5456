"""The runner's pages between visits: today's exercises, logging a run and its decision, and
the next morning's pain. Phone-first, no JavaScript; each page reads the runner's own
records only (``portal.selectors``' runner door) and writes through rehab's services, the
same ones the physio's pages and the API call, with the patient as the actor."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils import timezone

from clinic import audit
from clinic.errors import Conflict, Invalid
from clinic.forms import add_service_errors
from clinic.models import AuditAction
from portal import selectors
from portal.forms import ExercisesDoneForm, MorningPainForm, RunnerRunForm
from portal.runner import runner_required
from rehab import selectors as rehab_selectors
from rehab.models import Source
from rehab.run_rules import RUN_DECISION_LABELS, RunPains
from rehab.services import programmes as programme_services
from rehab.services import runs as run_services


def _nothing_now(request, case, title: str, words: str):
    """The page of a runner with nothing of this kind to do. When none of their cases is
    active but one has ended, it says that their treatment has ended, not that it has not
    begun."""
    ended = selectors.runner_ended_case(request.runner) if case is None else None
    return render(
        request, "portal/nothing_yet.html", {"title": title, "words": words, "ended": ended}
    )


@runner_required
def exercises(request):
    """Today's exercises of the programme the runner follows: tick what was done, give the
    pain; sending again the same day changes the day's ticks."""
    case = selectors.runner_case(request.runner)
    today = timezone.localdate()
    day = rehab_selectors.runner_today(case, today) if case else None
    if day is None or day["programme"] is None:
        return _nothing_now(
            request,
            case,
            "Today's exercises",
            "Your physio has not given you home exercises yet. They will appear here.",
        )
    programme, log = day["programme"], day["log"]
    form = ExercisesDoneForm(
        request.POST or None,
        items=day["items"],
        already_logged=log is not None,
        initial={"completed": sorted(day["ticked"]), "pain": log.pain if log else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            log, created = programme_services.exercise_day_save(
                programme=programme,
                by=None,
                date=today,
                completed=form.cleaned_data["completed"],
                pain=form.cleaned_data["pain"],
                source=Source.PATIENT,
            )
        except (Invalid, Conflict) as exc:
            add_service_errors(form, exc)
        else:
            audit.touch(request, log, AuditAction.CREATE if created else AuditAction.UPDATE)
            return redirect("portal:exercises-saved")
    audit.touch_many(request, [programme, *([log] if log else [])], AuditAction.VIEW)
    rows = list(zip(day["items"], form["completed"], strict=True))
    return render(
        request,
        "portal/exercises.html",
        {"form": form, "rows": rows, "log": log, "today": today, "programme": programme},
    )


@runner_required
def exercises_saved(request):
    """After sending the day's ticks: what is on record for today."""
    case = selectors.runner_case(request.runner)
    day = rehab_selectors.runner_today(case) if case else None
    if day is None or day["log"] is None:
        return redirect("portal:exercises")
    audit.touch(request, day["log"], AuditAction.VIEW)
    done = [item for item in day["items"] if item.pk in day["ticked"]]
    return render(
        request,
        "portal/exercises_saved.html",
        {"log": day["log"], "done": done, "total": len(day["items"])},
    )


def _latest_run_id(case) -> int:
    return case.runs.order_by("-id").values_list("id", flat=True).first() or 0


def _same_run(case, after: str, data: dict):
    """The run this very form already logged (sent twice: a double tap, Back then Send):
    one of the patient's own runs logged since the form was drawn, with the same answers."""
    if not after.isdigit():
        return None
    return (
        case.runs.filter(
            pk__gt=int(after),
            source=Source.PATIENT,
            date=data["date"],
            minutes=data["minutes"],
            distance_km=data["distance_km"],
            pain_during=data["pain_during"],
            pain_after=data["pain_after"],
        )
        .order_by("id")
        .first()
    )


@runner_required
def run_new(request):
    """Log a run: the day, how long, how far, the pain during and after."""
    case = selectors.runner_case(request.runner)
    plan = rehab_selectors.case_run_plan(case) if case else None
    if plan is None:
        return _nothing_now(
            request,
            case,
            "Log a run",
            "Your physio has not started your return to running yet. When they do, you "
            "will log each run here.",
        )
    form = RunnerRunForm(request.POST or None, initial={"date": timezone.localdate()})
    after = request.POST.get("after", "") if request.method == "POST" else str(_latest_run_id(case))
    if request.method == "POST" and form.is_valid():
        repeat = _same_run(case, after, form.cleaned_data)
        if repeat is not None:
            return redirect("portal:run", pk=repeat.pk)
        try:
            run = run_services.run_log(
                case=case, by=None, source=Source.PATIENT, **form.cleaned_data
            )
        except (Invalid, Conflict) as exc:
            add_service_errors(form, exc)
        else:
            audit.touch(request, run, AuditAction.CREATE)
            return redirect("portal:run", pk=run.pk)
    audit.touch(request, plan, AuditAction.VIEW)
    return render(
        request,
        "portal/run_new.html",
        {
            "form": form,
            "after": after,
            "plan": plan,
            "stage_words": rehab_selectors.stage_words(plan, plan.stage),
        },
    )


def _run_context(run) -> dict:
    plan = rehab_selectors.case_run_plan(run.case)
    pains = RunPains(
        during=run.pain_during, after=run.pain_after, next_morning=run.pain_next_morning
    )
    return {
        "run": run,
        "plan": plan,
        "decision": RUN_DECISION_LABELS[run.effective_decision],
        "advice": rehab_selectors.run_advice(run, plan),
        "next_words": rehab_selectors.stage_words(plan, run.next_stage),
        # 4.50 km reads as 4.5 km; 10.00 as 10.
        "distance": None if run.distance_km is None else f"{run.distance_km.normalize():f}",
        "too_painful": pains.above_limit(),
        "morning_due": run.pain_next_morning is None and run.date < timezone.localdate(),
    }


@runner_required
def run_detail(request, pk: int):
    """A run logged: the decision in plain words and what to do next time."""
    run = selectors.runner_run(request.runner, pk)
    audit.touch(request, run, AuditAction.VIEW)
    return render(request, "portal/run.html", _run_context(run))


@runner_required
def run_morning(request, pk: int):
    """The morning after a run: the pain on getting up (asked by the morning's message)."""
    run = selectors.runner_run(request.runner, pk)
    if run.pain_next_morning is not None:
        return redirect("portal:run", pk=pk)
    form = MorningPainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = run_services.run_next_morning(
                run=run,
                by=None,
                pain_next_morning=form.cleaned_data["pain_next_morning"],
                source=Source.PATIENT,
            )
        except Invalid as exc:
            add_service_errors(form, exc)
        except Conflict as exc:
            if exc.code == "already_recorded":
                return redirect("portal:run", pk=pk)
            add_service_errors(form, exc)
        else:
            audit.touch(request, run, AuditAction.UPDATE)
            return redirect("portal:run", pk=pk)
    audit.touch(request, run, AuditAction.VIEW)
    return render(request, "portal/run_morning.html", {"run": run, "form": form})
