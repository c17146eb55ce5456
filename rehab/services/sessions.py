"""Physiotherapy sessions: reception books, moves and cancels; the assigned physio logs.

Every state change runs in one transaction with the session row locked. The reminders
issue adds its outbox rows (``Reminder``) at the place each service marks "Outbox:",
inside that same transaction, so a reminder exists exactly when the change committed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from clinic import roles
from clinic.errors import Conflict, Invalid
from clinic.measures import (
    DORSIFLEXION_MAX_DEG,
    DORSIFLEXION_MIN_DEG,
    NPRS_MAX,
    NPRS_MIN,
    is_dorsiflexion,
    is_nprs,
)
from clinic.models import Case, CaseStatus
from clinic.services import case_advance
from diary import services as diary
from diary import waitlist
from diary.models import BookingType, Room
from rehab import caseload_order
from rehab.models import (
    SESSION_MINUTES_MAX,
    SESSION_MINUTES_MIN,
    Intervention,
    PhysioSession,
    SessionStatus,
)
from rehab.services.common import lock_case, require_active, require_assigned_physio
from reminders.services import events as reminders

LOGGED_STATUSES = (SessionStatus.ATTENDED, SessionStatus.NO_SHOW)


def _lock(session: PhysioSession) -> PhysioSession:
    return PhysioSession.objects.select_for_update().select_related("case").get(pk=session.pk)


def _practitioner(chosen, *, by, fallback=None):
    """The physio a booking is for: the one chosen, else ``fallback`` (the case's assigned
    physio, or the booking's current one). A booking without a practitioner, or with one
    who cannot see patients, is refused naming ``physio``.

    A physio writes sessions under their own name only: choosing a colleague is refused
    naming ``physio`` (400; reception, who runs the diary, hands a booking to another physio).
    """
    by_physio = by is not None and roles.role_of(by) == roles.PHYSIO
    if by_physio and chosen is not None and chosen.pk != by.pk:
        raise Invalid(
            {"physio": ["You book and record sessions in your own name: leave physio out."]}
        )
    physio = chosen or fallback
    if physio is None:
        raise Invalid({"physio": ["Choose a physio: this case has no assigned physio."]})
    name = physio.get_full_name() or physio.username
    if not physio.is_active:
        raise Invalid(
            {"physio": [f"{name} is no longer active: choose the physio for this session."]}
        )
    if roles.role_of(physio) != roles.PHYSIO:
        raise Invalid({"physio": [f"{name} is not a physio."]})
    return physio


def _check_minutes(duration_minutes: int) -> None:
    if not SESSION_MINUTES_MIN <= duration_minutes <= SESSION_MINUTES_MAX:
        raise Invalid(
            {
                "duration_minutes": [
                    f"A session lasts {SESSION_MINUTES_MIN} to {SESSION_MINUTES_MAX} minutes."
                ]
            }
        )


def validate_clinical(
    *,
    status: str,
    interventions: list[str] | None = None,
    pain_before: int | None = None,
    pain_after: int | None = None,
    dorsiflexion_deg: int | None = None,
) -> None:
    """Check a session log's clinical values; raise Invalid naming each bad field."""
    errors: dict[str, list[str]] = {}
    if status not in LOGGED_STATUSES:
        errors["status"] = ["A session is logged as attended or no_show."]
    valid = set(Intervention.values)
    if interventions is not None:
        if not isinstance(interventions, list) or not all(
            isinstance(code, str) and code in valid for code in interventions
        ):
            errors["interventions"] = [f"Choose from: {', '.join(Intervention.values)}."]
        elif len(set(interventions)) != len(interventions):
            errors["interventions"] = ["Each intervention once."]
    for name, value in (("pain_before", pain_before), ("pain_after", pain_after)):
        if value is not None and not is_nprs(value):
            errors[name] = [f"Pain is a whole number from {NPRS_MIN} to {NPRS_MAX} (NPRS)."]
    if dorsiflexion_deg is not None and not is_dorsiflexion(dorsiflexion_deg):
        errors["dorsiflexion_deg"] = [
            f"Dorsiflexion is between {DORSIFLEXION_MIN_DEG} and {DORSIFLEXION_MAX_DEG} degrees."
        ]
    if status == SessionStatus.NO_SHOW and (
        interventions or pain_before is not None or pain_after is not None
    ):
        errors["status"] = ["A session the patient missed has no interventions or pain."]
    if errors:
        raise Invalid(errors)


@transaction.atomic
def session_schedule(
    *,
    case: Case,
    scheduled_at: datetime,
    by,
    physio=None,
    duration_minutes: int | None = None,
    room: Room | None = None,
    allow_patient_clash: bool = False,
    _recorded: bool = False,
) -> PhysioSession:
    """Book a session (status scheduled); the physio defaults to the case's assigned physio.

    Every booking has an active physio: none given and none assigned to the case is a
    ``Invalid`` naming ``physio`` (the column is NOT NULL besides). The diary's booking rule
    holds (``diary.services.booking_reserve``); the length defaults to the session kind's.
    """
    if duration_minutes is None:
        duration_minutes = diary.default_minutes(BookingType.SESSION)
    _check_minutes(duration_minutes)
    case = lock_case(case)
    require_active(case)
    physio = _practitioner(physio, by=by, fallback=case.assigned_physio)
    booking = diary.booking_reserve(
        booking_type=BookingType.SESSION,
        practitioner=physio,
        starts_at=scheduled_at,
        duration_minutes=duration_minutes,
        room=room,
        keep_hours=not _recorded,
        # A session recorded after the fact is not a booking the desk is warned about.
        patient_id=None if _recorded else case.patient_id,
        allow_patient_clash=allow_patient_clash,
    )
    session = PhysioSession.objects.create(
        case=case,
        physio=physio,
        scheduled_at=scheduled_at,
        duration_minutes=duration_minutes,
        room=booking.room,
        booking=booking,
        status=SessionStatus.SCHEDULED,
        created_by=by,
    )
    caseload_order.refresh_case(case.pk)
    # Outbox: the session_reminder (24 h before), in this same transaction.
    reminders.reminders_for_session_scheduled(
        case=case, session_id=session.pk, scheduled_at=session.scheduled_at
    )
    return session


@transaction.atomic
def session_move(
    *,
    session: PhysioSession,
    scheduled_at: datetime,
    by,
    duration_minutes: int | None = None,
    physio=None,
    room: Room | None = None,
    allow_patient_clash: bool = False,
) -> PhysioSession:
    """Move a scheduled session to another time, or hand it to another physio (``physio``).

    Any other status is a 409. The session keeps its physio unless another is given; one
    who is no longer active must be replaced (``Invalid`` naming ``physio``).
    """
    session = _lock(session)
    if session.status != SessionStatus.SCHEDULED:
        raise Conflict(
            f"Only a scheduled session can be moved; this one is {session.get_status_display()}.",
            code="session_not_scheduled",
        )
    # Naming the session's own physio again is no change of hands.
    handed = physio if physio is not None and physio.pk != session.physio_id else None
    session.physio = _practitioner(handed, by=by, fallback=session.physio)
    session.scheduled_at = scheduled_at
    if duration_minutes is not None:
        _check_minutes(duration_minutes)
        session.duration_minutes = duration_minutes
    # The diary's rule for the new time (the session's own booking is not a clash).
    session.booking = diary.booking_reserve(
        booking_type=BookingType.SESSION,
        practitioner=session.physio,
        starts_at=scheduled_at,
        duration_minutes=session.duration_minutes,
        room=room or session.room,
        booking=session.booking,
        patient_id=session.case.patient_id,
        allow_patient_clash=allow_patient_clash,
    )
    session.room = session.booking.room
    session.save(
        update_fields=[
            "physio",
            "scheduled_at",
            "duration_minutes",
            "room",
            "booking",
            "updated_at",
        ]
    )
    caseload_order.refresh_case(session.case_id)
    # Outbox: the pending session_reminder moves with the session.
    reminders.reminders_for_session_scheduled(
        case=session.case, session_id=session.pk, scheduled_at=session.scheduled_at
    )
    return session


@transaction.atomic
def session_cancel(*, session: PhysioSession, by, reason: str = "") -> PhysioSession:
    """Cancel a scheduled session (with the desk's reason); any other status is a 409."""
    session = _lock(session)
    if session.status != SessionStatus.SCHEDULED:
        raise Conflict(
            "Only a scheduled session can be cancelled; this one is "
            f"{session.get_status_display()}.",
            code="session_not_scheduled",
        )
    session.status = SessionStatus.CANCELLED
    session.save(update_fields=["status", "updated_at"])
    caseload_order.refresh_case(session.case_id)
    diary.booking_release(booking=session.booking, reason=reason)
    if session.booking is not None:
        # The freed time goes to the oldest fitting patient on the waitlist (the outbox).
        waitlist.waitlist_offer(booking=session.booking)
    # Outbox: the pending session_reminder is cancelled with the session.
    reminders.reminders_for_session_cancelled(session_id=session.pk)
    return session


@transaction.atomic
def session_log(
    *,
    session: PhysioSession,
    by,
    status: str,
    interventions: list[str] | None = None,
    pain_before: int | None = None,
    pain_after: int | None = None,
    notes: str = "",
    dorsiflexion_deg: int | None = None,
    home_exercises: str = "",
) -> PhysioSession:
    """Record what happened: attended (with what was done and pain) or no_show.

    A scheduled session may be logged; an attended one may be corrected (attended again);
    a cancelled or missed one is a 409. A session later than today cannot be logged.
    """
    session = _lock(session)
    require_assigned_physio(session.case, by)
    allowed_from = {
        SessionStatus.SCHEDULED: LOGGED_STATUSES,
        SessionStatus.ATTENDED: (SessionStatus.ATTENDED,),
    }
    if status not in allowed_from.get(session.status, ()):
        raise Conflict(
            f"A {session.get_status_display().lower()} session cannot be logged as "
            f"{SessionStatus(status).label.lower() if status in SessionStatus.values else status}.",
            code="illegal_transition",
        )
    validate_clinical(
        status=status,
        interventions=interventions,
        pain_before=pain_before,
        pain_after=pain_after,
        dorsiflexion_deg=dorsiflexion_deg,
    )
    if timezone.localdate(session.scheduled_at) > timezone.localdate():
        raise Invalid({"scheduled_at": ["A session in the future cannot be logged yet."]})
    session.status = status
    session.interventions = list(interventions or [])
    session.pain_before = pain_before
    session.pain_after = pain_after
    session.notes = notes
    session.dorsiflexion_deg = dorsiflexion_deg
    session.home_exercises = home_exercises
    session.logged_at = timezone.now()
    session.logged_by = by
    session.save()
    # A booked session logged (even ahead of its time, on its day) is no longer the next one.
    caseload_order.refresh_case(session.case_id)
    if status == SessionStatus.ATTENDED:
        # Treatment has begun even when no plan was written first.
        case_advance(case=session.case, to=CaseStatus.IN_REHAB)
    # Outbox: a logged session needs no reminder any more (it may have been recorded after
    # the fact); a no_show asks the patient to rebook the day after.
    reminders.reminders_for_session_cancelled(session_id=session.pk)
    if status == SessionStatus.NO_SHOW:
        reminders.reminders_for_no_show(
            case=session.case, session_id=session.pk, scheduled_at=session.scheduled_at
        )
    return session


@transaction.atomic
def session_record(
    *,
    case: Case,
    by,
    scheduled_at: datetime,
    status: str,
    physio=None,
    duration_minutes: int | None = None,
    room: Room | None = None,
    **clinical: Any,
) -> PhysioSession:
    """The assigned physio records a session that already took place (attended or no_show);
    the session is theirs (naming another physio is refused: ``_practitioner``).

    Its time may be past and outside today's availability, but it may not overlap another.
    """
    require_assigned_physio(case, by)
    if physio is not None and physio.pk != by.pk:
        raise Invalid(
            {"physio": ["You record your own sessions: leave out physio, or name yourself."]}
        )
    session = session_schedule(
        case=case,
        scheduled_at=scheduled_at,
        by=by,
        physio=physio or by,
        duration_minutes=duration_minutes,
        room=room,
        _recorded=True,
    )
    return session_log(session=session, by=by, status=status, **clinical)


SERIES_COUNT_MAX = 30
SERIES_INTERVAL_MAX_DAYS = 14


def series_times(*, first_at: datetime, count: int, interval_days: int) -> list[datetime]:
    """The start of each session of a series: the same clinic-time hour every interval."""
    local = timezone.localtime(first_at).replace(tzinfo=None)
    return [
        timezone.make_aware(local + timedelta(days=index * interval_days)) for index in range(count)
    ]


@transaction.atomic
def session_series_schedule(
    *,
    case: Case,
    first_at: datetime,
    count: int,
    interval_days: int,
    by,
    physio=None,
    duration_minutes: int | None = None,
    room: Room | None = None,
    allow_patient_clash: bool = False,
) -> list[PhysioSession]:
    """Book a series of sessions from the treatment plan: all of them, or none.

    Every date is checked before anything is written; any that breaks the booking rule makes
    a ``Conflict`` ``series_clash`` whose ``clashes`` list each such date with its reason.
    """
    errors: dict[str, list[str]] = {}
    if not 1 <= count <= SERIES_COUNT_MAX:
        errors["count"] = [f"A series has 1 to {SERIES_COUNT_MAX} sessions."]
    if not 1 <= interval_days <= SERIES_INTERVAL_MAX_DAYS:
        errors["interval_days"] = [f"Sessions are 1 to {SERIES_INTERVAL_MAX_DAYS} days apart."]
    if errors:
        raise Invalid(errors)
    if duration_minutes is None:
        duration_minutes = diary.default_minutes(BookingType.SESSION)
    _check_minutes(duration_minutes)
    case = lock_case(case)
    require_active(case)
    physio = _practitioner(physio, by=by, fallback=case.assigned_physio)
    if first_at < timezone.now():
        raise Invalid({"first_at": ["A series cannot start in the past."]})
    times = series_times(first_at=first_at, count=count, interval_days=interval_days)
    clashes = []
    for at in times:
        try:
            diary.booking_check(
                practitioner=physio,
                starts_at=at,
                duration_minutes=duration_minutes,
                room=room,
                patient_id=case.patient_id,
                allow_patient_clash=allow_patient_clash,
            )
        except Conflict as exc:
            clashes.append(
                {
                    "scheduled_at": timezone.localtime(at).isoformat(),
                    "code": exc.code,
                    "detail": exc.message,
                    **exc.context,
                }
            )
    if clashes:
        raise Conflict(
            f"{len(clashes)} of the {count} dates cannot be booked: nothing was booked.",
            code="series_clash",
            clashes=clashes,
        )
    return [
        session_schedule(
            case=case,
            scheduled_at=at,
            by=by,
            physio=physio,
            duration_minutes=duration_minutes,
            room=room,
            allow_patient_clash=allow_patient_clash,
        )
        for at in times
    ]


def book_session(*, case: Case, practitioner, starts_at, duration_minutes, room, by):
    """The waitlist's booker: a session at a freed time (``diary.waitlist``)."""
    return session_schedule(
        case=case,
        physio=practitioner,
        scheduled_at=starts_at,
        duration_minutes=duration_minutes,
        room=room,
        by=by,
    )
