"""Each practitioner's private calendar feed (``.ics``, RFC 5545, built with ``icalendar``).

The address carries a signed token for one practitioner (``feed_token``): whoever holds it
reads that diary, so it says no more than a wall planner would — the kind of appointment,
the room and the patient's initials; never a full name, an MRN nor anything clinical.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.utils import timezone
from icalendar import Calendar, Event

from diary.models import Booking
from diary.services import SUBJECTS

SALT = "diary.feed"
# How far back and ahead the feed reaches.
FEED_PAST_DAYS = 30
FEED_AHEAD_DAYS = 180


def feed_token(practitioner) -> str:
    """The signed token of a practitioner's feed address."""
    return signing.dumps(practitioner.pk, salt=SALT, compress=True)


def practitioner_id_of(token: str) -> int | None:
    """The practitioner a token was signed for, or None for a forged or altered one."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def _initials(patient) -> str:
    return "".join(f"{name[:1].upper()}." for name in (patient.given_name, patient.family_name))


def feed_calendar(practitioner) -> bytes:
    """The practitioner's live bookings as an iCalendar document."""
    now = timezone.now()
    bookings = Booking.objects.filter(
        practitioner=practitioner,
        live=True,
        starts_at__gte=now - dt.timedelta(days=FEED_PAST_DAYS),
        starts_at__lt=now + dt.timedelta(days=FEED_AHEAD_DAYS),
    ).select_related("room", *(f"{name}__case__patient" for name in SUBJECTS.values()))
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.CLINIC_NAME}//Talus diary//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{settings.CLINIC_NAME} diary")
    for booking in bookings:
        subject = getattr(booking, SUBJECTS[booking.booking_type], None)
        summary = booking.get_booking_type_display()
        if subject is not None:
            summary = f"{summary} — {_initials(subject.case.patient)}"
        event = Event()
        event.add("uid", f"booking-{booking.pk}@talus")
        event.add("dtstamp", booking.updated_at)
        event.add("dtstart", booking.starts_at)
        event.add("dtend", booking.ends_at)
        event.add("summary", summary)
        if booking.room is not None:
            event.add("location", booking.room.name)
        calendar.add_component(event)
    return calendar.to_ical()
