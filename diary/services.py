"""The one booking rule, for sessions and consultations, pages and API alike.

``booking_reserve`` takes (or moves) the time of an appointment; the session and consultation
services call it in their own transaction. A booking

- lies inside its practitioner's availability (else their clinic's opening hours) and outside
  their time off: else ``Conflict`` ``outside_availability``;
- overlaps no other live booking of the practitioner (``practitioner_busy``, with ``clash``:
  the other appointment's type and id) nor of its room (``room_busy``, the same ``clash``);
- is not in the past when booked or moved (``Invalid`` naming ``scheduled_at``);
- when the patient is named, overlaps no other live booking of that patient (a session or a
  consultation, with anyone): ``patient_busy`` with the same ``clash``, unless the caller
  says ``allow_patient_clash`` (the desk confirmed "book anyway").

On PostgreSQL the exclusion constraints refuse what a concurrent request slipped in between
the check and the insert; that refusal is answered with the same 409 as the check's.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from clinic.errors import Conflict, Invalid
from diary import rules
from diary.models import (
    BOOKING_MINUTES_MAX,
    BOOKING_MINUTES_MIN,
    DEFAULT_MINUTES,
    AppointmentKind,
    Booking,
    BookingType,
    Room,
    TimeOff,
)

# The patient's clash: a warning the desk may override ("book anyway"), by this field of a
# page's form or of the API's request.
PATIENT_BUSY = "patient_busy"
PATIENT_CLASH_FIELD = "allow_patient_clash"

# The relation through which each type of appointment points at its booking.
SUBJECTS = {BookingType.SESSION: "physio_session", BookingType.CONSULTATION: "consultation"}


def default_minutes(booking_type: str) -> int:
    """A booking type's default length: its appointment kind's, else the design's default."""
    kind = AppointmentKind.objects.filter(code=booking_type, active=True).first()
    return kind.duration_minutes if kind else DEFAULT_MINUTES[booking_type]


def default_lengths() -> dict[str, int]:
    """Every booking type's ``default_minutes`` in one query (a diary page needs both)."""
    kinds = AppointmentKind.objects.filter(code__in=list(DEFAULT_MINUTES), active=True)
    return {**DEFAULT_MINUTES, **dict(kinds.values_list("code", "duration_minutes"))}


def subject_of(booking: Booking) -> dict:
    """The appointment a booking belongs to, as the API names it: ``{"type", "id"}``."""
    try:
        subject = getattr(booking, SUBJECTS[booking.booking_type])
    except ObjectDoesNotExist:
        subject = None
    return {"type": booking.booking_type, "id": subject.pk if subject else None}


def _clash(queryset, *, starts_at, ends_at, exclude: int | None):
    overlapping = queryset.filter(live=True, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude is not None:
        overlapping = overlapping.exclude(pk=exclude)
    return overlapping.select_related(*SUBJECTS.values()).order_by("starts_at").first()


def _refuse_patient_clash(*, patient_id: int, starts_at, ends_at, exclude: int | None) -> None:
    """A patient is in one place at a time: their other live booking overlapping the span is a
    ``patient_busy`` (the message names the time and the practitioner, never the patient)."""
    other = _clash(
        Booking.objects.filter(
            Q(physio_session__case__patient_id=patient_id)
            | Q(consultation__case__patient_id=patient_id)
        ).select_related("practitioner"),
        starts_at=starts_at,
        ends_at=ends_at,
        exclude=exclude,
    )
    if other is not None:
        local = timezone.localtime(other.starts_at)
        with_whom = other.practitioner.get_full_name() or other.practitioner.username
        raise Conflict(
            f"The patient is already booked with {with_whom} from {local:%H:%M} on "
            f"{local:%Y-%m-%d}.",
            code=PATIENT_BUSY,
            clash=subject_of(other),
        )


def _refuse_clashes(*, practitioner, room, starts_at, ends_at, exclude: int | None) -> None:
    other = _clash(
        Booking.objects.filter(practitioner=practitioner),
        starts_at=starts_at,
        ends_at=ends_at,
        exclude=exclude,
    )
    if other is not None:
        local = timezone.localtime(other.starts_at)
        raise Conflict(
            f"The practitioner is already booked from {local:%H:%M} on {local:%Y-%m-%d}.",
            code="practitioner_busy",
            clash=subject_of(other),
        )
    if room is not None:
        other = _clash(
            Booking.objects.filter(room=room), starts_at=starts_at, ends_at=ends_at, exclude=exclude
        )
        if other is not None:
            local = timezone.localtime(other.starts_at)
            raise Conflict(
                f"{room.name} is already booked from {local:%H:%M} on {local:%Y-%m-%d}.",
                code="room_busy",
                clash=subject_of(other),
            )


def check_minutes(duration_minutes: int) -> None:
    """A booking lasts BOOKING_MINUTES_MIN to BOOKING_MINUTES_MAX minutes."""
    if not BOOKING_MINUTES_MIN <= duration_minutes <= BOOKING_MINUTES_MAX:
        raise Invalid(
            {
                "duration_minutes": [
                    f"A booking lasts {BOOKING_MINUTES_MIN} to {BOOKING_MINUTES_MAX} minutes."
                ]
            }
        )


def booking_check(
    *,
    practitioner,
    starts_at: dt.datetime,
    duration_minutes: int,
    room: Room | None = None,
    exclude: int | None = None,
    keep_hours: bool = True,
    patient_id: int | None = None,
    allow_patient_clash: bool = False,
) -> Room | None:
    """Check the booking rule for a span; answer the room it takes (the window's, if none).

    ``keep_hours=False`` is for an appointment recorded after it took place: it still may not
    overlap another, but its time is past and may lie outside today's availability.
    ``patient_id`` (the case's patient) is checked for another booking at that time unless
    ``allow_patient_clash``: a warning the desk may override, unlike the practitioner's and
    the room's clashes, which nothing overrides.
    """
    check_minutes(duration_minutes)
    ends_at = starts_at + dt.timedelta(minutes=duration_minutes)
    if room is not None and not room.active:
        raise Invalid({"room": [f"{room.name} is closed: choose another room."]})
    if keep_hours:
        if starts_at < timezone.now():
            raise Invalid({"scheduled_at": ["A booking cannot start in the past."]})
        window = rules.window_for(rules.week_of(practitioner), starts_at, ends_at)
        away = TimeOff.objects.filter(
            practitioner=practitioner, starts_at__lt=ends_at, ends_at__gt=starts_at
        ).exists()
        if window is None or away:
            raise Conflict(
                "The practitioner does not work then: choose a time inside their availability.",
                code="outside_availability",
            )
        if room is None and window.room_id is not None:
            room = Room.objects.get(pk=window.room_id)
    _refuse_clashes(
        practitioner=practitioner, room=room, starts_at=starts_at, ends_at=ends_at, exclude=exclude
    )
    if patient_id is not None and not allow_patient_clash:
        _refuse_patient_clash(
            patient_id=patient_id, starts_at=starts_at, ends_at=ends_at, exclude=exclude
        )
    return room


@transaction.atomic
def booking_reserve(
    *,
    booking_type: str,
    practitioner,
    starts_at: dt.datetime,
    duration_minutes: int,
    room: Room | None = None,
    booking: Booking | None = None,
    keep_hours: bool = True,
    patient_id: int | None = None,
    allow_patient_clash: bool = False,
) -> Booking:
    """Take the time of an appointment (a new ``Booking``, or ``booking`` moved) under the rule."""
    if practitioner is None:
        raise Invalid({"practitioner": ["A booking needs a practitioner."]})
    room = booking_check(
        practitioner=practitioner,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        room=room,
        exclude=booking.pk if booking else None,
        keep_hours=keep_hours,
        patient_id=patient_id,
        allow_patient_clash=allow_patient_clash,
    )
    ends_at = starts_at + dt.timedelta(minutes=duration_minutes)
    if booking is None:
        booking = Booking(booking_type=booking_type)
    booking.practitioner = practitioner
    booking.room = room
    booking.starts_at = starts_at
    booking.ends_at = ends_at
    booking.live = True
    try:
        # A savepoint: a concurrent clash refused by the database leaves this transaction usable.
        with transaction.atomic():
            booking.save()
    except IntegrityError:
        # Another request booked the same time between our check and this write (PostgreSQL's
        # exclusion constraint): answer as the check would have, now that its row is visible.
        _refuse_clashes(
            practitioner=practitioner,
            room=room,
            starts_at=starts_at,
            ends_at=ends_at,
            exclude=booking.pk,
        )
        raise
    return booking


def booking_release(*, booking: Booking | None, reason: str = "") -> None:
    """Free a cancelled appointment's time (its row stays, not live, with the reason)."""
    if booking is not None and booking.live:
        booking.live = False
        booking.cancel_reason = reason.strip()[:200]
        booking.save(update_fields=["live", "cancel_reason", "updated_at"])
