"""``POST sessions/series/``: every session of the series, or none."""

from __future__ import annotations

import datetime as dt

from diary.models import Booking, TimeOff
from rehab.models import PhysioSession
from rehab.services.sessions import session_schedule
from tests.factories import CaseFactory

URL = "/api/v1/sessions/series/"


def _series(client, case, first_at, **extra):
    body = {"case": case.pk, "first_at": first_at.isoformat(), "count": 4, "interval_days": 7}
    return client.post(URL, {**body, **extra}, format="json")


def test_it_books_a_weekly_series(api_as, rita, paula, case, at):
    response = _series(api_as(rita), case, at("10:00"))

    assert response.status_code == 201, response.content
    starts = [dt.datetime.fromisoformat(s["scheduled_at"]) for s in response.json()]
    assert starts == [at("10:00", day=7 * week) for week in range(4)]
    assert PhysioSession.objects.filter(case=case, physio=paula).count() == 4
    assert Booking.objects.filter(live=True).count() == 4


def test_it_books_nothing_and_lists_every_clashing_date(api_as, rita, paula, case, at):
    other = session_schedule(
        case=CaseFactory(assigned_physio=paula), scheduled_at=at("10:30", day=7), by=rita
    )
    TimeOff.objects.create(
        practitioner=paula, starts_at=at("00:00", day=21), ends_at=at("23:00", day=21)
    )

    response = _series(api_as(rita), case, at("10:00"))

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "series_clash"
    assert [(c["scheduled_at"], c["code"]) for c in body["clashes"]] == [
        (at("10:00", day=7).isoformat(), "practitioner_busy"),
        (at("10:00", day=21).isoformat(), "outside_availability"),
    ]
    assert body["clashes"][0]["clash"] == {"type": "session", "id": other.pk}
    assert PhysioSession.objects.filter(case=case).count() == 0
    assert Booking.objects.count() == 1


def test_it_refuses_a_count_or_interval_out_of_range(api_as, rita, case, at):
    client = api_as(rita)

    too_many = _series(client, case, at("10:00"), count=31)
    too_far = _series(client, case, at("10:00"), interval_days=15)

    assert too_many.status_code == 400
    assert "count" in too_many.json()
    assert too_far.status_code == 400
    assert "interval_days" in too_far.json()
    assert PhysioSession.objects.count() == 0


def test_it_refuses_a_series_starting_in_the_past(api_as, rita, case, at):
    response = _series(api_as(rita), case, at("10:00", day=-14))

    assert response.status_code == 400
    assert "first_at" in response.json()


def test_it_hides_a_case_out_of_reach(api_as, oscar, case, at):
    response = _series(api_as(oscar), case, at("10:00"))

    assert response.status_code == 404
    assert PhysioSession.objects.count() == 0
