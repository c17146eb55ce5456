"""The one booking rule, through the API, for sessions and consultations alike."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from diary.models import Availability, Booking, Room, TimeOff
from rehab.models import PhysioSession
from tests.factories import CaseFactory
from triage.models import Consultation


def _session(client, case, when, **extra):
    return client.post(
        "/api/v1/sessions/",
        {"case": case.pk, "scheduled_at": when.isoformat(), **extra},
        format="json",
    )


def _consultation(client, case, doctor, when, **extra):
    return client.post(
        "/api/v1/consultations/",
        {"case": case.pk, "doctor": doctor.pk, "scheduled_at": when.isoformat(), **extra},
        format="json",
    )


def test_it_books_a_session_inside_the_opening_hours_with_its_booking(api_as, rita, case, at):
    response = _session(api_as(rita), case, at("10:00"))

    assert response.status_code == 201, response.content
    session = PhysioSession.objects.get(pk=response.json()["id"])
    assert session.duration_minutes == 45
    assert session.booking.starts_at == at("10:00")
    assert session.booking.ends_at == at("10:45")
    assert session.booking.live is True


def test_it_refuses_a_session_outside_the_opening_hours(api_as, rita, case, at):
    response = _session(api_as(rita), case, at("18:30"))  # would end at 19:15

    assert response.status_code == 409
    assert response.json()["code"] == "outside_availability"
    assert PhysioSession.objects.count() == 0
    assert Booking.objects.count() == 0


def test_it_refuses_a_saturday_by_default(api_as, rita, case, at):
    response = _session(api_as(rita), case, at("10:00", day=5))

    assert response.status_code == 409
    assert response.json()["code"] == "outside_availability"


def test_it_books_to_the_last_minute_of_the_day(api_as, rita, case, at):
    response = _session(api_as(rita), case, at("18:15"))  # ends at 19:00 exactly

    assert response.status_code == 201


def test_it_follows_the_practitioners_own_availability(api_as, rita, paula, case, at):
    Availability.objects.create(
        practitioner=paula, weekday=5, start_time=dt.time(9), end_time=dt.time(12)
    )
    client = api_as(rita)

    assert _session(client, case, at("09:00", day=5)).status_code == 201
    # Their rows replace the opening hours: Monday is no longer one of Paula's days.
    refused = _session(client, case, at("10:00"))
    assert refused.status_code == 409
    assert refused.json()["code"] == "outside_availability"


def test_it_refuses_a_booking_in_time_off(api_as, rita, paula, case, at):
    TimeOff.objects.create(
        practitioner=paula, starts_at=at("12:00"), ends_at=at("14:00"), reason="Training"
    )

    response = _session(api_as(rita), case, at("11:30"))  # runs into the time off

    assert response.status_code == 409
    assert response.json()["code"] == "outside_availability"
    assert Booking.objects.count() == 0


def test_it_refuses_an_overlap_for_the_practitioner_naming_the_clash(api_as, rita, paula, at):
    client = api_as(rita)
    first = _session(client, CaseFactory(assigned_physio=paula), at("10:00")).json()

    response = _session(client, CaseFactory(assigned_physio=paula), at("10:30"))

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "practitioner_busy"
    assert body["clash"] == {"type": "session", "id": first["id"]}
    assert PhysioSession.objects.count() == 1


def test_it_books_back_to_back(api_as, rita, paula, at):
    client = api_as(rita)
    assert _session(client, CaseFactory(assigned_physio=paula), at("10:00")).status_code == 201

    response = _session(client, CaseFactory(assigned_physio=paula), at("10:45"))

    assert response.status_code == 201


def test_it_refuses_a_room_taken_by_another_practitioner(api_as, rita, paula, oscar, dan, at):
    room = Room.objects.create(name="Room 1")
    client = api_as(rita)
    first = _session(client, CaseFactory(assigned_physio=paula), at("10:00"), room=room.pk)
    assert first.status_code == 201

    response = _consultation(client, CaseFactory(), dan, at("10:15"), room=room.pk)

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "room_busy"
    assert body["clash"] == {"type": "session", "id": first.json()["id"]}
    assert Consultation.objects.count() == 0


def test_it_refuses_a_consultation_clashing_with_the_doctors_consultation(api_as, rita, dan, at):
    client = api_as(rita)
    first = _consultation(client, CaseFactory(), dan, at("09:00"))
    assert first.status_code == 201
    assert first.json()["duration_minutes"] == 20

    response = _consultation(client, CaseFactory(), dan, at("09:15"))

    assert response.status_code == 409
    assert response.json()["clash"] == {"type": "consultation", "id": first.json()["id"]}


def test_it_refuses_a_booking_in_the_past(api_as, rita, case):
    response = _session(api_as(rita), case, timezone.now() - dt.timedelta(minutes=1))

    assert response.status_code == 400
    assert "scheduled_at" in response.json()
    assert Booking.objects.count() == 0


def test_it_refuses_a_booking_without_practitioner(api_as, rita, at):
    response = _session(api_as(rita), CaseFactory(assigned_physio=None), at("10:00"))

    assert response.status_code == 400
    assert "physio" in response.json()
    assert Booking.objects.count() == 0


def test_it_refuses_a_consultation_without_doctor(api_as, rita, case, at):
    response = api_as(rita).post(
        "/api/v1/consultations/",
        {"case": case.pk, "scheduled_at": at("10:00").isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert "doctor" in response.json()


def test_it_frees_the_time_of_a_cancelled_session(api_as, rita, paula, at):
    client = api_as(rita)
    first = _session(client, CaseFactory(assigned_physio=paula), at("10:00")).json()
    cancelled = client.patch(
        f"/api/v1/sessions/{first['id']}/",
        {"status": "cancelled"},
        format="json",
        HTTP_IF_MATCH="*",
    )
    assert cancelled.status_code == 200

    response = _session(client, CaseFactory(assigned_physio=paula), at("10:00"))

    assert response.status_code == 201
    assert Booking.objects.filter(live=True).count() == 1


def test_it_moves_a_session_under_the_same_rule(api_as, rita, paula, at):
    client = api_as(rita)
    first = _session(client, CaseFactory(assigned_physio=paula), at("10:00")).json()
    second = _session(client, CaseFactory(assigned_physio=paula), at("11:00")).json()
    url = f"/api/v1/sessions/{second['id']}/"

    clash = client.patch(
        url, {"scheduled_at": at("10:30").isoformat()}, format="json", HTTP_IF_MATCH="*"
    )
    assert clash.status_code == 409
    assert clash.json()["clash"] == {"type": "session", "id": first["id"]}
    # Moving within its own time is no clash with itself.
    moved = client.patch(
        url, {"scheduled_at": at("11:15").isoformat()}, format="json", HTTP_IF_MATCH="*"
    )
    assert moved.status_code == 200
    booking = PhysioSession.objects.get(pk=second["id"]).booking
    assert (booking.starts_at, booking.ends_at) == (at("11:15"), at("12:00"))
    assert Booking.objects.count() == 2


def test_it_moves_and_cancels_a_consultation(api_as, rita, dan, at):
    client = api_as(rita)
    made = _consultation(client, CaseFactory(), dan, at("09:00")).json()
    url = f"/api/v1/consultations/{made['id']}/"

    outside = client.patch(
        url, {"scheduled_at": at("07:00").isoformat()}, format="json", HTTP_IF_MATCH="*"
    )
    assert outside.status_code == 409
    assert outside.json()["code"] == "outside_availability"
    moved = client.patch(
        url, {"scheduled_at": at("09:40").isoformat()}, format="json", HTTP_IF_MATCH="*"
    )
    assert moved.status_code == 200
    cancelled = client.patch(url, {"status": "cancelled"}, format="json", HTTP_IF_MATCH="*")
    assert cancelled.status_code == 200
    consultation = Consultation.objects.get(pk=made["id"])
    assert consultation.status == "cancelled"
    assert consultation.booking.live is False
    assert consultation.booking.starts_at == at("09:40")


def test_it_takes_the_room_of_the_availability_window(api_as, rita, paula, case, at):
    room = Room.objects.create(name="Gym")
    Availability.objects.create(
        practitioner=paula, weekday=0, start_time=dt.time(8), end_time=dt.time(12), room=room
    )

    response = _session(api_as(rita), case, at("08:00"))

    assert response.status_code == 201
    assert response.json()["room"] == room.pk


def test_it_refuses_a_closed_room(api_as, rita, case, at):
    room = Room.objects.create(name="Old room", active=False)

    response = _session(api_as(rita), case, at("10:00"), room=room.pk)

    assert response.status_code == 400
    assert "room" in response.json()


def test_the_doctor_records_a_consultation_reception_never_sees_notes(api_as, rita, dan):
    from diary.services import booking_reserve

    # A consultation that began an hour ago (booked then: the rule's past check is behind us).
    began = timezone.now() - dt.timedelta(hours=1)
    booking = booking_reserve(
        booking_type="consultation",
        practitioner=dan,
        starts_at=began,
        duration_minutes=20,
        keep_hours=False,
    )
    made = Consultation.objects.create(
        case=CaseFactory(), doctor=dan, scheduled_at=began, booking=booking, created_by=rita
    )
    url = f"/api/v1/consultations/{made.pk}/"

    logged = api_as(dan).patch(
        url,
        {"status": "attended", "notes": "Lateral ligament, grade II."},
        format="json",
        HTTP_IF_MATCH="*",
    )
    assert logged.status_code == 200
    assert Consultation.objects.get(pk=made.pk).notes == "Lateral ligament, grade II."
    seen = api_as(rita).get(url)
    assert seen.status_code == 200
    assert "notes" not in seen.json()
    refused = api_as(rita).patch(url, {"notes": "x"}, format="json", HTTP_IF_MATCH="*")
    assert refused.status_code == 400
