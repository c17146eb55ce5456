"""Doctors' consultations: reception or a doctor books, moves and cancels; the doctor notes.

Each runs in one transaction with the case or the consultation locked; the time goes through
the diary's one booking rule (``diary.services.booking_reserve``).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from clinic import roles
from clinic.errors import Conflict, Invalid, NotAllowed
from clinic.models import Case
from diary import services as diary
from diary import waitlist
from diary.models import BookingType, Room
from triage.models import Consultation, ConsultationStatus

LOGGED_STATUSES = (ConsultationStatus.ATTENDED, ConsultationStatus.NO_SHOW)


def _doctor(doctor):
    """The doctor a consultation is with: required, active, a doctor (``Invalid`` naming
    ``doctor``)."""
    if doctor is None:
        raise Invalid({"doctor": ["Choose the doctor for this consultation."]})
    name = doctor.get_full_name() or doctor.username
    if not doctor.is_active:
        raise Invalid({"doctor": [f"{name} is no longer active: choose another doctor."]})
    if roles.role_of(doctor) != roles.DOCTOR:
        raise Invalid({"doctor": [f"{name} is not a doctor."]})
    return doctor


def _lock(consultation: Consultation) -> Consultation:
    return (
        Consultation.objects.select_for_update()
        .select_related("case", "booking")
        .get(pk=consultation.pk)
    )


def _require_scheduled(consultation: Consultation, doing: str) -> None:
    if consultation.status != ConsultationStatus.SCHEDULED:
        raise Conflict(
            f"Only a scheduled consultation can be {doing}; this one is "
            f"{consultation.get_status_display().lower()}.",
            code="consultation_not_scheduled",
        )


@transaction.atomic
def consultation_book(
    *,
    case: Case,
    doctor,
    scheduled_at: datetime,
    by,
    duration_minutes: int | None = None,
    room: Room | None = None,
    allow_patient_clash: bool = False,
) -> Consultation:
    """Book a doctor's consultation (status scheduled) under the diary's booking rule."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.is_ended:
        raise Conflict(
            f"This case is {case.get_status_display().lower()}: it takes no new booking.",
            code="case_closed",
        )
    doctor = _doctor(doctor)
    if duration_minutes is None:
        duration_minutes = diary.default_minutes(BookingType.CONSULTATION)
    booking = diary.booking_reserve(
        booking_type=BookingType.CONSULTATION,
        practitioner=doctor,
        starts_at=scheduled_at,
        duration_minutes=duration_minutes,
        room=room,
        patient_id=case.patient_id,
        allow_patient_clash=allow_patient_clash,
    )
    return Consultation.objects.create(
        case=case,
        doctor=doctor,
        scheduled_at=scheduled_at,
        duration_minutes=duration_minutes,
        room=booking.room,
        booking=booking,
        created_by=by,
    )


@transaction.atomic
def consultation_move(
    *,
    consultation: Consultation,
    by,
    scheduled_at: datetime,
    duration_minutes: int | None = None,
    doctor=None,
    room: Room | None = None,
    allow_patient_clash: bool = False,
) -> Consultation:
    """Move a scheduled consultation (or give it to another doctor); any other status: 409."""
    consultation = _lock(consultation)
    _require_scheduled(consultation, "moved")
    consultation.doctor = _doctor(doctor or consultation.doctor)
    if duration_minutes is not None:
        consultation.duration_minutes = duration_minutes
    consultation.booking = diary.booking_reserve(
        booking_type=BookingType.CONSULTATION,
        practitioner=consultation.doctor,
        starts_at=scheduled_at,
        duration_minutes=consultation.duration_minutes,
        room=room or consultation.room,
        booking=consultation.booking,
        patient_id=consultation.case.patient_id,
        allow_patient_clash=allow_patient_clash,
    )
    consultation.scheduled_at = scheduled_at
    consultation.room = consultation.booking.room
    consultation.save()
    return consultation


@transaction.atomic
def consultation_cancel(*, consultation: Consultation, by, reason: str = "") -> Consultation:
    """Cancel a scheduled consultation and free its time (with the desk's reason); any other
    status is a 409."""
    consultation = _lock(consultation)
    _require_scheduled(consultation, "cancelled")
    consultation.status = ConsultationStatus.CANCELLED
    consultation.save(update_fields=["status", "updated_at"])
    diary.booking_release(booking=consultation.booking, reason=reason)
    # The freed time goes to the oldest fitting patient on the waitlist (the outbox).
    waitlist.waitlist_offer(booking=consultation.booking)
    return consultation


def consultation_recordable(*, consultation: Consultation) -> bool:
    """Whether ``consultation_log`` would take a record of this consultation now: scheduled
    (or attended, to amend the notes) and not on a later day. Pages show their actions by it."""
    return (
        consultation.status
        in (
            ConsultationStatus.SCHEDULED,
            ConsultationStatus.ATTENDED,
        )
        and timezone.localdate(consultation.scheduled_at) <= timezone.localdate()
    )


@transaction.atomic
def consultation_log(
    *, consultation: Consultation, by, status: str, notes: str = ""
) -> Consultation:
    """A doctor records what happened: attended (with notes) or no_show."""
    if roles.role_of(by) != roles.DOCTOR:
        raise NotAllowed("Only a doctor records a consultation.")
    consultation = _lock(consultation)
    allowed_from = {
        ConsultationStatus.SCHEDULED: LOGGED_STATUSES,
        ConsultationStatus.ATTENDED: (ConsultationStatus.ATTENDED,),
    }
    if status not in LOGGED_STATUSES:
        raise Invalid({"status": ["A consultation is recorded as attended or no_show."]})
    if status not in allowed_from.get(consultation.status, ()):
        raise Conflict(
            f"A {consultation.get_status_display().lower()} consultation cannot be recorded "
            f"as {ConsultationStatus(status).label.lower()}.",
            code="illegal_transition",
        )
    if timezone.localdate(consultation.scheduled_at) > timezone.localdate():
        raise Invalid({"scheduled_at": ["A consultation in the future cannot be recorded yet."]})
    if status == ConsultationStatus.NO_SHOW and notes:
        raise Invalid({"notes": ["A consultation the patient missed has no notes."]})
    consultation.status = status
    consultation.notes = notes
    consultation.save(update_fields=["status", "notes", "updated_at"])
    return consultation


def book_consultation(*, case: Case, practitioner, starts_at, duration_minutes, room, by):
    """The waitlist's booker: a consultation at a freed time (``diary.waitlist``)."""
    return consultation_book(
        case=case,
        doctor=practitioner,
        scheduled_at=starts_at,
        duration_minutes=duration_minutes,
        room=room,
        by=by,
    )
