"""Reception's session pages: the day's sessions, booking, moving and cancelling.

Nothing here reads or renders a clinical field.
"""

from __future__ import annotations

from datetime import date, datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from clinic import audit, bounds
from clinic.errors import Conflict, Invalid
from clinic.forms import add_service_errors
from clinic.idempotency import created_redirect, idempotent_form
from clinic.models import AuditAction
from clinic.views import role_required
from diary.selectors import free_slots
from diary.services import PATIENT_BUSY, PATIENT_CLASH_FIELD
from rehab import selectors
from rehab.forms import BookingForm, MoveForm, SeriesForm
from rehab.models import SessionStatus
from rehab.services import sessions as session_services
from rehab.services.common import BOOKERS
from rehab.views.common import visible_session

NON_CLINICAL = ("id", "case_id", "scheduled_at", "duration_minutes", "status", "physio_id")


def _day(request) -> date:
    """The day asked for (?day=YYYY-MM-DD); today for a malformed one or one outside the
    clinic's calendar (year 9999 has no next day to end it)."""
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()
    return day if bounds.in_clinic_days(day) else timezone.localdate()


def _day_url(day: date) -> str:
    return f"/rehab/sessions/?day={day.isoformat()}"


def _bookable_cases_read(request):
    """The cases the booking form offers: their patients' names are shown, so audited."""
    cases = selectors.bookable_cases(request.user)
    audit.touch_many(request, list(cases), AuditAction.VIEW)
    return cases


@role_required(*BOOKERS)
def sessions_day(request):
    """One day's sessions, with a form to book another."""
    day = _day(request)
    sessions = list(
        selectors.sessions_on(request.user, day).only(
            *NON_CLINICAL,
            "case__patient__given_name",
            "case__patient__family_name",
            "case__patient__mrn",
            "case__patient_id",
            "physio__first_name",
            "physio__last_name",
            "physio__username",
            "physio__is_active",
        )
    )
    audit.touch_many(request, sessions, AuditAction.VIEW)
    # Each line shows its patient's name and MRN: the patient's record is read too.
    audit.touch_refs(
        request,
        (("clinic.patient", s.case.patient_id, s.case.patient_id) for s in sessions),
        AuditAction.VIEW,
    )
    initial = {"duration_minutes": 45}
    if request.GET.get("case"):
        initial["case"] = request.GET["case"]
    form = BookingForm(cases=_bookable_cases_read(request), initial=initial)
    return render(
        request,
        "rehab/sessions_day.html",
        {"day": day, "sessions": sessions, "form": form, "today": timezone.localdate()},
    )


@role_required(*BOOKERS)
@idempotent_form
def session_book(request):
    """Book a session (POST from the day page; errors shown on the same page)."""
    # ?case=<id> (from the triage result) chooses the case in advance.
    # ?physio=<id>&at=<YYYY-MM-DDTHH:MM>&duration=&room= (a free quarter picked in the
    # diary) fill in the rest.
    initial = {
        name: request.GET[key]
        for key, name in (
            ("case", "case"),
            ("physio", "physio"),
            ("at", "scheduled_at"),
            ("duration", "duration_minutes"),
            ("room", "room"),
        )
        if request.GET.get(key)
    }
    patient_clash = ""
    form = BookingForm(request.POST or None, cases=_bookable_cases_read(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = session_services.session_schedule(
                case=data["case"],
                scheduled_at=data["scheduled_at"],
                duration_minutes=data["duration_minutes"],
                physio=data["physio"],
                room=data["room"],
                by=request.user,
                allow_patient_clash=request.POST.get(PATIENT_CLASH_FIELD) == "on",
            )
        except Conflict as exc:
            if exc.code == PATIENT_BUSY:
                patient_clash = exc.message
            else:
                form.add_error("case", exc.message)
        except Invalid as exc:
            add_service_errors(form, exc)
        else:
            audit.touch(request, session, AuditAction.CREATE)
            messages.success(
                request,
                f"Session booked for {timezone.localtime(session.scheduled_at):%d %b %Y, %H:%M}.",
            )
            return created_redirect(_day_url(timezone.localdate(session.scheduled_at)))
    day = timezone.localdate()
    return render(
        request,
        "rehab/sessions_day.html",
        {
            "day": day,
            "sessions": list(selectors.sessions_on(request.user, day)),
            "form": form,
            "today": day,
            "patient_clash": patient_clash,
        },
    )


@role_required(*BOOKERS)
@idempotent_form
def session_series(request):
    """Book a series of sessions from the treatment plan (``?case=``): all of them or none;
    each date that cannot be booked is listed with its reason."""
    cases = _bookable_cases_read(request)
    chosen = request.POST.get("case") or request.GET.get("case", "")
    case = cases.filter(pk=int(chosen)).first() if chosen.isdigit() and len(chosen) < 10 else None
    rhythm = selectors.plan_rhythm(case) if case else None
    initial = {"duration_minutes": 45}
    if case:
        initial["case"] = case.pk
    if rhythm:
        initial |= {"count": rhythm["to_book"] or 1, "interval_days": rhythm["interval_days"]}
    form = SeriesForm(request.POST or None, cases=cases, initial=initial)
    clashes: list[dict] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sessions = session_services.session_series_schedule(by=request.user, **data)
        except Conflict as exc:
            form.add_error(None, exc.message)
            clashes = exc.context.get("clashes", [])
        except Invalid as exc:
            add_service_errors(form, exc)
        else:
            for session in sessions:
                audit.touch(request, session, AuditAction.CREATE)
            starts = [timezone.localtime(session.scheduled_at) for session in sessions]
            messages.success(
                request,
                f"{len(sessions)} sessions booked at {starts[0]:%H:%M}: "
                + ", ".join(f"{start:%a %d %b}" for start in starts)
                + ".",
            )
            # The patient's record lists every upcoming booking, with move and cancel.
            return created_redirect("patient-record", pk=data["case"].patient_id)
    return render(
        request,
        "rehab/session_series.html",
        {
            "form": form,
            "case": case,
            "rhythm": rhythm,
            "clashes": [
                {**clash, "at": datetime.fromisoformat(clash["scheduled_at"])} for clash in clashes
            ],
        },
        status=409 if clashes else 200,
    )


@role_required(*BOOKERS)
def session_move(request, pk: int):
    """Move a booked session to another time."""
    session = visible_session(request, pk)
    local = timezone.localtime(session.scheduled_at)
    form = MoveForm(
        request.POST or None,
        initial={
            "scheduled_at": local,
            "duration_minutes": session.duration_minutes,
            "physio": session.physio_id,
        },
    )
    patient_clash = ""
    if request.method == "POST" and form.is_valid():
        try:
            session = session_services.session_move(
                session=session,
                scheduled_at=form.cleaned_data["scheduled_at"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                physio=form.cleaned_data["physio"],
                by=request.user,
                allow_patient_clash=request.POST.get(PATIENT_CLASH_FIELD) == "on",
            )
        except Conflict as exc:
            if exc.code == PATIENT_BUSY:
                patient_clash = exc.message
            else:
                form.add_error(None, exc.message)
        except Invalid as exc:
            add_service_errors(form, exc)
        else:
            audit.touch(request, session, AuditAction.UPDATE)
            messages.success(request, "Session moved.")
            return redirect(_day_url(timezone.localdate(session.scheduled_at)))
    audit.touch(request, session, AuditAction.VIEW)
    # Move by picking another time: the physio's free times of the day asked (?day=), or of
    # the session's own day, each a one-click form.
    day = _day(request) if request.GET.get("day") else timezone.localdate(session.scheduled_at)
    free = free_slots(
        practitioner=session.physio,
        first_day=day,
        last_day=day,
        duration_minutes=session.duration_minutes,
    )
    return render(
        request,
        "rehab/session_move.html",
        {
            "session": session,
            "patient": session.case.patient,
            "form": form,
            "day": day,
            "free": free,
            "patient_clash": patient_clash,
        },
    )


@role_required(*BOOKERS)
def session_cancel(request, pk: int):
    """Cancel a booked session (asks for confirmation first)."""
    session = visible_session(request, pk)
    error = ""
    if request.method == "POST":
        try:
            session = session_services.session_cancel(
                session=session, by=request.user, reason=request.POST.get("reason", "")
            )
        except Conflict as exc:
            error = exc.message
        else:
            audit.touch(request, session, AuditAction.UPDATE)
            messages.success(request, "Session cancelled.")
            return redirect(_day_url(timezone.localdate(session.scheduled_at)))
    audit.touch(request, session, AuditAction.VIEW)
    return render(
        request,
        "rehab/session_cancel.html",
        {
            "session": session,
            "patient": session.case.patient,
            "error": error,
            "scheduled": session.status == SessionStatus.SCHEDULED,
        },
        status=409 if error else 200,
    )
