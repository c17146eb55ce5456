"""On PostgreSQL two concurrent clashing bookings are impossible, not only unlikely."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from clinic.errors import Conflict
from diary.models import Booking, Room
from rehab.models import PhysioSession
from rehab.services.sessions import session_schedule
from tests.factories import CaseFactory

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The exclusion constraints and concurrent writers need PostgreSQL (SQLite has one "
    "writer: the service's check holds there).",
)


def _in_thread(target, results):
    def run():
        try:
            results.append(target())
        except Conflict as exc:
            results.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_bookings_of_one_physio_give_one_booking_and_one_409(paula, rita, at):
    cases = [CaseFactory(assigned_physio=paula), CaseFactory(assigned_physio=paula)]
    first_inside = threading.Event()
    release = threading.Event()
    results: list = []

    def holder():
        # Books, then holds its transaction open: its row is not yet visible to the other.
        with transaction.atomic():
            session = session_schedule(case=cases[0], scheduled_at=at("10:00"), by=rita)
            first_inside.set()
            release.wait(timeout=30)
        return session

    def racer():
        first_inside.wait(timeout=30)
        # Its check sees no clash (the other row is uncommitted); the constraint makes its
        # INSERT wait for the holder and then refuse it.
        timer = threading.Timer(1.0, release.set)
        timer.start()
        return session_schedule(case=cases[1], scheduled_at=at("10:15"), by=rita)

    threads = [_in_thread(holder, results), _in_thread(racer, results)]
    for thread in threads:
        thread.join(timeout=60)

    booked = [r for r in results if isinstance(r, PhysioSession)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(booked) == 1 and len(refused) == 1, results
    assert refused[0].code == "practitioner_busy"
    assert refused[0].context["clash"] == {"type": "session", "id": booked[0].pk}
    assert PhysioSession.objects.count() == 1
    assert Booking.objects.filter(live=True).count() == 1


@postgres_only
@pytest.mark.django_db
def test_the_database_refuses_two_overlapping_live_bookings(paula, dan, at):
    Booking.objects.create(
        booking_type="session", practitioner=paula, starts_at=at("10:00"), ends_at=at("10:45")
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            booking_type="session",
            practitioner=paula,
            starts_at=at("10:30"),
            ends_at=at("11:00"),
        )
    # Back to back, or over a cancelled one, is fine.
    Booking.objects.create(
        booking_type="session", practitioner=paula, starts_at=at("10:45"), ends_at=at("11:30")
    )
    Booking.objects.create(
        booking_type="session",
        practitioner=paula,
        starts_at=at("10:00"),
        ends_at=at("10:45"),
        live=False,
    )
    assert Booking.objects.count() == 3


@postgres_only
@pytest.mark.django_db
def test_the_database_refuses_two_overlapping_bookings_of_one_room(paula, dan, at):
    room = Room.objects.create(name="Room 1")
    Booking.objects.create(
        booking_type="session",
        practitioner=paula,
        room=room,
        starts_at=at("10:00"),
        ends_at=at("10:45"),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            booking_type="consultation",
            practitioner=dan,
            room=room,
            starts_at=at("10:40"),
            ends_at=at("11:00"),
        )
    assert Booking.objects.count() == 1
