"""``GET free-slots/``: free start times on a 15-minute grid, in clinic time."""

from __future__ import annotations

import datetime as dt

import pytest

from diary.hours import parse_opening_hours
from diary.models import Availability, TimeOff
from rehab.services.sessions import session_schedule
from tests.factories import CaseFactory


def _slots(client, practitioner, day, **params):
    return client.get(
        "/api/v1/free-slots/",
        {"practitioner": practitioner.pk, "from": day.isoformat(), **params},
    )


def test_it_lists_a_doctors_day_in_20_minute_bookings_on_the_grid(api_as, rita, dan, monday, at):
    response = _slots(api_as(rita), dan, monday)

    assert response.status_code == 200
    body = response.json()
    assert body["duration_minutes"] == 20
    assert body["grid_minutes"] == 15
    slots = [dt.datetime.fromisoformat(s) for s in body["slots"]]
    assert slots[0] == at("08:00")
    assert slots[1] == at("08:15")
    assert slots[-1] == at("18:30")  # the last start whose 20 minutes end by 19:00
    assert len(slots) == 43


def test_it_leaves_out_bookings_and_time_off(api_as, rita, paula, monday, at):
    session_schedule(case=CaseFactory(assigned_physio=paula), scheduled_at=at("09:00"), by=rita)
    TimeOff.objects.create(practitioner=paula, starts_at=at("12:00"), ends_at=at("19:00"))

    response = _slots(api_as(rita), paula, monday, duration=30)

    slots = [dt.datetime.fromisoformat(s) for s in response.json()["slots"]]
    # 08:00, 08:15, 08:30 end by 09:00; 09:45 is the first start after the 45-minute session.
    assert slots == [
        at("08:00"),
        at("08:15"),
        at("08:30"),
        at("09:45"),
        at("10:00"),
        at("10:15"),
        at("10:30"),
        at("10:45"),
        at("11:00"),
        at("11:15"),
        at("11:30"),
    ]


def test_it_keeps_to_the_practitioners_windows_on_the_grid(api_as, rita, paula, monday, at):
    Availability.objects.create(
        practitioner=paula, weekday=0, start_time=dt.time(9, 5), end_time=dt.time(10, 30)
    )

    response = _slots(api_as(rita), paula, monday, duration=45)

    # 09:05 is off the grid: the first start is 09:15; 09:45 is the last that ends by 10:30.
    assert [dt.datetime.fromisoformat(s) for s in response.json()["slots"]] == [
        at("09:15"),
        at("09:30"),
        at("09:45"),
    ]


def test_it_has_nothing_on_a_closed_day(api_as, rita, paula, monday):
    response = _slots(api_as(rita), paula, monday + dt.timedelta(days=6))

    assert response.status_code == 200
    assert response.json()["slots"] == []


def test_it_refuses_a_range_backwards_or_too_long(api_as, rita, paula, monday):
    client = api_as(rita)

    backwards = _slots(client, paula, monday, to=(monday - dt.timedelta(days=1)).isoformat())
    too_long = _slots(client, paula, monday, to=(monday + dt.timedelta(days=31)).isoformat())
    no_one = client.get("/api/v1/free-slots/", {"from": monday.isoformat()})

    assert backwards.status_code == 400
    assert "to" in backwards.json()
    assert too_long.status_code == 400
    assert "to" in too_long.json()
    assert no_one.status_code == 400
    assert "practitioner" in no_one.json()


def test_it_reads_the_opening_hours():
    week = parse_opening_hours("mon-fri 08:00-19:00, sat 09:00-12:30")

    assert week[0] == [(480, 1140)]
    assert week[4] == [(480, 1140)]
    assert week[5] == [(540, 750)]
    assert week[6] == []
    assert parse_opening_hours("mon-sun 00:00-24:00")[6] == [(0, 1440)]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "mon 08:00",
        "fri-mon 08:00-12:00",
        "mon 12:00-08:00",
        "xyz 08:00-09:00",
        "mon 08:60-09:00",
        "mon 08:00-24:30",
    ],
)
def test_it_refuses_malformed_opening_hours(text):
    with pytest.raises(ValueError):
        parse_opening_hours(text)
