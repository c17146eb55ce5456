"""seed_demo fills a living week: rooms, the staff's hours, a dozen bookings."""

from __future__ import annotations

import datetime as dt
import itertools
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from diary.models import Availability, Booking, Room
from rehab.models import PhysioSession
from triage.models import Consultation


def test_it_seeds_rooms_hours_and_a_dozen_bookings_this_week(db, settings):
    settings.DEBUG = True

    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # twice: nothing doubles

    assert set(Room.objects.values_list("name", flat=True)) == {"Room 1", "Room 2", "Gym"}
    assert Availability.objects.count() == 20  # two windows a weekday, for two practitioners
    assert PhysioSession.objects.count() == 9  # three for each of the three assigned cases
    assert Consultation.objects.count() == 5
    bookings = Booking.objects.filter(live=True)
    assert bookings.count() == 14
    week_end = timezone.now() + dt.timedelta(days=7)
    assert all(timezone.now() < b.starts_at < week_end for b in bookings)
    assert all(b.room is not None for b in bookings)


def test_it_never_books_a_demo_patient_in_two_places_at_once(db, settings):
    settings.DEBUG = True

    call_command("seed_demo", stdout=StringIO())

    by_patient: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
    for session in PhysioSession.objects.select_related("booking", "case"):
        by_patient.setdefault(session.case.patient_id, []).append(
            (session.booking.starts_at, session.booking.ends_at)
        )
    for consultation in Consultation.objects.select_related("booking", "case"):
        by_patient.setdefault(consultation.case.patient_id, []).append(
            (consultation.booking.starts_at, consultation.booking.ends_at)
        )
    assert any(len(times) > 1 for times in by_patient.values())  # someone sees both
    for times in by_patient.values():
        times.sort()
        assert all(end <= start for (_, end), (start, _) in itertools.pairwise(times))
