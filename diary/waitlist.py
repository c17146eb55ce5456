"""The waitlist: a freed time goes to the oldest fitting patient, the first acceptance books it.

A cancelled session or consultation calls ``waitlist_offer`` in its own transaction: the
oldest ``waiting`` entry whose window holds the freed time (and whose practitioner, if it
names one, is the freed booking's) becomes ``offered``, and the outbox gets a ``slot_offer``
reminder with a signed link. Accepting (``waitlist_accept``) books the time through the
booking app's own service — registered here by rehab (sessions) and triage (consultations),
which the diary cannot import — under the one booking rule; a time taken meanwhile, or an
offer already answered, answers None ("this time has gone") and the entry waits again.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clinic.errors import Conflict, Invalid
from diary.models import Booking, WaitlistEntry, WaitlistStatus
from reminders.services import events as reminders

# booking type -> fn(*, case, practitioner, starts_at, duration_minutes, room, by) -> record
_BOOKERS: dict[str, Callable] = {}


def register_booker(booking_type: str, book: Callable) -> None:
    """The service that books an appointment of this type (from the app's ready())."""
    _BOOKERS[booking_type] = book


@transaction.atomic
def waitlist_add(*, case, earliest, latest, by, practitioner=None, booking_type="session"):
    """Put a case on the waitlist for a time between ``earliest`` and ``latest``."""
    if earliest >= latest:
        raise Invalid({"latest": ["After earliest."]})
    if latest <= timezone.now():
        raise Invalid({"latest": ["The window is already over."]})
    if case.is_ended:
        raise Conflict("This case has ended: it waits for no appointment.", code="case_closed")
    return WaitlistEntry.objects.create(
        case=case,
        practitioner=practitioner,
        booking_type=booking_type,
        earliest=earliest,
        latest=latest,
        created_by=by,
    )


@transaction.atomic
def waitlist_withdraw(*, entry: WaitlistEntry, by) -> WaitlistEntry:
    """Take an entry off the waitlist; a booked one is a 409."""
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status == WaitlistStatus.BOOKED:
        raise Conflict("This entry was booked: cancel the appointment instead.", code="booked")
    entry.status = WaitlistStatus.WITHDRAWN
    entry.save(update_fields=["status", "updated_at"])
    return entry


def waitlist_offer(*, booking: Booking) -> WaitlistEntry | None:
    """Offer a freed booking's time to the oldest fitting waiting entry (call in the cancel's
    transaction); None when nobody waits for it."""
    if booking.starts_at <= timezone.now():
        return None
    entry = (
        WaitlistEntry.objects.select_for_update(skip_locked=True)
        .filter(
            status=WaitlistStatus.WAITING,
            booking_type=booking.booking_type,
            earliest__lte=booking.starts_at,
            latest__gte=booking.ends_at,
        )
        .filter(Q(practitioner__isnull=True) | Q(practitioner=booking.practitioner_id))
        .exclude(case__status__in=("discharged", "closed"))
        .select_related("case__patient")
        .order_by("created_at", "id")
        .first()
    )
    if entry is None:
        return None
    entry.status = WaitlistStatus.OFFERED
    entry.offered_booking = booking
    entry.offered_at = timezone.now()
    entry.save(update_fields=["status", "offered_booking", "offered_at", "updated_at"])
    # Outbox: the offer with its signed link, in this same transaction.
    reminders.reminders_for_slot_offer(
        case=entry.case, entry_id=entry.pk, starts_at=booking.starts_at
    )
    return entry


@transaction.atomic
def waitlist_accept(*, entry_id: int):
    """The patient takes the offered time: the booked record, or None when it has gone (the
    offer was answered already, or the time was taken meanwhile: the entry waits again)."""
    entry = (
        # Lock the entry only (its offered booking is an outer join, and not ours to lock).
        WaitlistEntry.objects.select_for_update(of=("self",))
        .select_related("case", "offered_booking")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None or entry.status != WaitlistStatus.OFFERED or entry.offered_booking is None:
        return None
    freed = entry.offered_booking
    try:
        with transaction.atomic():
            record = _BOOKERS[entry.booking_type](
                case=entry.case,
                practitioner=freed.practitioner,
                starts_at=freed.starts_at,
                duration_minutes=int((freed.ends_at - freed.starts_at).total_seconds() // 60),
                room=freed.room,
                by=None,
            )
    except (Conflict, Invalid):
        # Taken meanwhile (or now in the past): the entry waits for the next freed time.
        entry.status = WaitlistStatus.WAITING
        entry.offered_booking = None
        entry.save(update_fields=["status", "offered_booking", "updated_at"])
        return None
    entry.status = WaitlistStatus.BOOKED
    entry.save(update_fields=["status", "updated_at"])
    return record
