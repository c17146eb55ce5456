"""The dates Talus takes, in one place: the API's serializers and the pages' forms use these.

- Bookings and the clinic's own dates (a session, an imaging appointment, a plan's start,
  a decision) lie within the clinic's plausible range: from a year back (a session
  recorded after the fact) to two years ahead. Anything else is a typing error (year 9999,
  year 0001) that would otherwise be stored and break every page that shows it.
- A date of birth is 1 January 1900 or later, and not in the future.

Each check is a Django validator: DRF runs it on a serializer field (a 400 naming the
field) and a form on its field (the message beside it).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

# A year back, two years ahead (a day of slack for leap years).
CLINIC_PAST = timedelta(days=366)
CLINIC_AHEAD = timedelta(days=731)
EARLIEST_BIRTH = date(1900, 1, 1)


def clinic_window(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The first and last instants the clinic's calendar takes, around now."""
    now = now or timezone.now()
    return now - CLINIC_PAST, now + CLINIC_AHEAD


def clinic_days(today: date | None = None) -> tuple[date, date]:
    """The first and last days of the clinic's calendar, around today (clinic time)."""
    today = today or timezone.localdate()
    return today - CLINIC_PAST, today + CLINIC_AHEAD


def validate_clinic_datetime(value: datetime) -> None:
    """A booking or a clinic event: from a year back to two years ahead."""
    first, last = clinic_window()
    if not first <= value <= last:
        raise ValidationError(
            "Must be within a year back and two years ahead (%(first)s to %(last)s).",
            code="out_of_range",
            params={"first": timezone.localdate(first), "last": timezone.localdate(last)},
        )


def validate_clinic_date(value: date) -> None:
    """A day of the clinic's calendar: from a year back to two years ahead."""
    first, last = clinic_days()
    if not first <= value <= last:
        raise ValidationError(
            "Must be within a year back and two years ahead (%(first)s to %(last)s).",
            code="out_of_range",
            params={"first": first, "last": last},
        )


def in_clinic_days(value: date) -> bool:
    """Whether a day lies in the clinic's calendar (for a page's ?day=)."""
    first, last = clinic_days()
    return first <= value <= last


def validate_birth_date(value: date) -> None:
    """A date of birth: from 1 January 1900, not in the future."""
    if value < EARLIEST_BIRTH:
        raise ValidationError("The date of birth must be 1 January 1900 or later.", code="too_old")
    if value > timezone.localdate():
        raise ValidationError("The date of birth cannot be in the future.", code="future")
