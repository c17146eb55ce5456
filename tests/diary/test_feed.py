"""The practitioner's private calendar feed: signed, no full names, nothing clinical."""

from __future__ import annotations

from django.urls import reverse
from icalendar import Calendar

from diary.feed import feed_token
from diary.models import Room
from rehab.services.sessions import session_log, session_schedule
from tests.factories import session_booked_before


def test_it_serves_a_physios_bookings_with_initials_only(client, rita, paula, case, at):
    room = Room.objects.create(name="Gym")
    session_schedule(case=case, scheduled_at=at("10:00"), by=rita, room=room)
    past = session_booked_before(case, rita, scheduled_at=at("10:00", day=-10))
    session_log(session=past, by=paula, status="attended", notes="Grade II sprain, taped.")

    response = client.get(reverse("diary:feed", args=[feed_token(paula)]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar"
    assert response["Cache-Control"] == "private, no-store, max-age=0, no-cache, must-revalidate"
    body = response.content.decode()
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 2
    upcoming = next(e for e in events if e.decoded("dtstart") == at("10:00"))
    assert str(upcoming["summary"]) == "Physiotherapy session — E.M."
    assert str(upcoming["location"]) == "Gym"
    for secret in ("Emma", "Martin", "MARTIN", case.patient.mrn, "Grade II", "taped"):
        assert secret not in body


def test_it_refuses_a_forged_token_and_a_receptionists(client, rita, paula):
    token = feed_token(paula)

    assert client.get(reverse("diary:feed", args=[token[:-2] + "xx"])).status_code == 404
    assert client.get(reverse("diary:feed", args=[feed_token(rita)])).status_code == 404


def test_it_shows_the_practitioner_their_feed_address(client, paula):
    client.force_login(paula)

    page = client.get(reverse("diary:my-day"))

    assert reverse("diary:feed", args=[feed_token(paula)]) in page.content.decode()
