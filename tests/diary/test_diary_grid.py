"""Reception's paper diary: a column per practitioner or room (or per day of a week), a row
per quarter hour, free quarters bookable, time off and closed time shaded and labelled."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.models import Patient
from diary.models import AppointmentKind, Availability, Room, TimeOff
from rehab.services.sessions import session_schedule
from tests.factories import CaseFactory, PatientFactory
from triage.services.consultations import consultation_book


@pytest.fixture
def desk(client, rita):
    client.force_login(rita)
    return client


def _diary(client, **params):
    page = client.get(reverse("diary:diary"), params)
    assert page.status_code == 200
    return page


def _column(page, who):
    """The column of a practitioner (a user) or of a room (its name)."""
    return next(
        c
        for c in page.context["columns"]
        if (c.practitioner == who if c.practitioner is not None else c.room.name == who)
    )


def test_a_day_has_a_column_per_practitioner_and_a_row_per_quarter_hour(desk, paula, dan, monday):
    paula.first_name, paula.last_name = "Paula", "Jensen"
    paula.save()
    dan.first_name, dan.last_name = "Daniel", "Okafor"
    dan.save()

    page = _diary(desk, day=monday.isoformat())

    content = page.content.decode()
    assert [c.whose for c in page.context["columns"]] == ["Paula Jensen", "Daniel Okafor"]
    clocks = [clock for clock, _ in page.context["rows"]]
    assert clocks[0] == "08:00" and clocks[-1] == "18:45" and len(clocks) == 44
    assert '<th scope="row" class="diary-time">08:15</th>' in content
    assert re.search(r'<th scope="col">\s*Paula Jensen <span class="muted">physio</span>', content)


def test_a_booking_spans_its_rows_and_names_the_patient(desk, rita, paula, case, monday, at):
    session_schedule(case=case, scheduled_at=at("10:00"), by=rita)

    page = _diary(desk, day=monday.isoformat())

    booked = [c for c in _column(page, paula).cells if c.kind == "booked"]
    assert [(c.clock, c.rows) for c in booked] == [("10:00", 3)]
    assert '<td rowspan="3" class="slot slot-booked">' in page.content.decode()
    assert "MARTIN, Emma" in page.content.decode()


def test_each_free_quarter_books_its_practitioner_at_its_time_for_what_is_free(
    desk, rita, paula, dan, case, monday, at
):
    session_schedule(case=case, scheduled_at=at("11:00"), by=rita)

    page = _diary(desk, day=monday.isoformat())

    day = monday.isoformat()
    paulas = {c.clock: c.url for c in _column(page, paula).cells if c.kind == "free"}
    assert paulas["10:30"] == (
        f"{reverse('rehab:session-book')}?physio={paula.pk}&at={day}T10:30&duration=30"
    )
    assert paulas["18:15"].endswith("duration=45")
    assert paulas["18:45"].endswith("duration=15")  # the last quarter of the day
    dans = {c.clock: c.url for c in _column(page, dan).cells if c.kind == "free"}
    assert dans["08:00"] == (
        f"{reverse('triage:consultation-new')}?doctor={dan.pk}&at={day}T08:00&duration=20"
    )


def test_each_column_offers_its_appointment_kind_s_length_when_one_is_active(
    desk, paula, dan, monday
):
    AppointmentKind.objects.update_or_create(
        code="session",
        defaults={"name": "Session", "booking_type": "session", "duration_minutes": 30},
    )
    AppointmentKind.objects.update_or_create(
        code="consultation",
        defaults={
            "name": "Consultation",
            "booking_type": "consultation",
            "duration_minutes": 60,
            "active": False,
        },
    )

    page = _diary(desk, day=monday.isoformat())

    paulas = {c.clock: c.free_minutes for c in _column(page, paula).cells if c.kind == "free"}
    dans = {c.clock: c.free_minutes for c in _column(page, dan).cells if c.kind == "free"}
    assert (paulas["08:00"], paulas["18:30"]) == (30, 30)  # the active kind's 30
    assert dans["08:00"] == 20  # an inactive kind gives way to the design's 20


def test_a_restricted_patient_s_booking_is_booked_time_on_the_desk_s_day(
    desk, rita, paula, monday, at
):
    hidden = CaseFactory(
        assigned_physio=paula, patient=PatientFactory(given_name="Noah", family_name="Leroy")
    )
    session_schedule(case=hidden, scheduled_at=at("14:00"), by=rita)
    Patient.objects.filter(pk=hidden.patient_id).update(restricted=True)  # after booking

    page = _diary(desk, day=monday.isoformat())

    content = page.content.decode()
    assert [e.subject for e in page.context["entries"]] == [None]
    assert '14:45 Physiotherapy session</span>\n<span class="muted">Booked</span>' in content
    assert "LEROY" not in content and "Noah" not in content


def test_time_off_and_hours_outside_availability_are_shaded_and_labelled(desk, paula, monday, at):
    Availability.objects.create(
        practitioner=paula, weekday=0, start_time=dt.time(9), end_time=dt.time(17)
    )
    TimeOff.objects.create(
        practitioner=paula, starts_at=at("12:00"), ends_at=at("13:30"), reason="Training"
    )

    page = _diary(desk, day=monday.isoformat(), practitioner=paula.pk)

    cells = _column(page, paula).cells
    shaded = [(c.kind, c.clock, c.rows) for c in cells if c.kind != "free"]
    assert shaded == [("away", "12:00", 6)]
    assert cells[0].clock == "09:00"  # her day sets the rows
    content = page.content.decode()
    assert '<td rowspan="6" class="slot slot-away"><span class="slot-label">Time off</span>' in (
        content
    )
    assert "Training" not in content  # the reason is hers, not the desk's


def test_a_past_day_shows_its_bookings_and_books_nothing(desk, paula, monday):
    page = _diary(desk, day=(monday - dt.timedelta(days=14)).isoformat(), practitioner=paula.pk)

    assert [(c.kind, c.rows) for c in _column(page, paula).cells] == [("past", 44)]
    assert 'class="slot-book"' not in page.content.decode()


def test_by_room_has_a_column_per_open_room(desk, rita, paula, dan, case, monday, at):
    gym = Room.objects.create(name="Gym")
    Room.objects.create(name="Room 1")
    Room.objects.create(name="Old store", active=False)
    session_schedule(case=case, scheduled_at=at("10:00"), by=rita, room=gym)

    page = _diary(desk, day=monday.isoformat(), by="room")

    assert [c.whose for c in page.context["columns"]] == ["Gym", "Room 1"]
    assert [c.clock for c in _column(page, "Gym").cells if c.kind == "booked"] == ["10:00"]
    assert not [c for c in _column(page, "Room 1").cells if c.kind == "booked"]
    free = next(c for c in _column(page, "Room 1").cells if c.clock == "10:00")
    assert free.url == (
        f"{reverse('rehab:session-book')}?room={Room.objects.get(name='Room 1').pk}"
        f"&at={monday.isoformat()}T10:00&duration=45"
    )


def test_the_week_is_one_practitioners_with_a_column_per_day(desk, rita, paula, case, monday, at):
    session_schedule(case=case, scheduled_at=at("10:00", day=2), by=rita)

    page = _diary(desk, day=(monday + dt.timedelta(days=4)).isoformat(), view="week")

    columns = page.context["columns"]
    assert [c.day.weekday() for c in columns] == list(range(7))
    assert {c.practitioner for c in columns} == {paula}  # the first (and only) practitioner
    assert [c.clock for c in columns[2].cells if c.kind == "booked"] == ["10:00"]
    content = page.content.decode()
    previous = (monday - dt.timedelta(days=7)).isoformat()
    assert f'href="?view=week&amp;practitioner={paula.pk}&amp;day={previous}"' in content
    assert '<a href="?view=week&amp;practitioner=' in content
    assert 'aria-current="page">Week</a>' in content


def test_the_day_and_week_switch_is_links_and_a_radio_group(desk, paula, monday):
    page = _diary(desk, day=monday.isoformat())

    content = page.content.decode()
    assert 'aria-current="page">Day</a>' in content
    assert f'href="?view=week&amp;day={monday.isoformat()}">Week</a>' in content
    assert '<input id="view-week" type="radio" name="view" value="week">' in content
    assert 'type="checkbox"' not in content
    tomorrow = (monday + dt.timedelta(days=1)).isoformat()
    assert f'href="?day={tomorrow}">Next day →</a>' in content


def test_a_physio_sees_her_own_column_on_my_day(client, rita, paula, dan, case, monday, at):
    session_schedule(case=case, scheduled_at=at("10:00"), by=rita)
    consultation_book(case=CaseFactory(), doctor=dan, scheduled_at=at("10:00"), by=rita)
    client.force_login(paula)

    page = client.get(reverse("diary:my-day"), {"day": monday.isoformat()})

    assert [c.practitioner for c in page.context["columns"]] == [paula]
    cells = page.context["columns"][0].cells
    assert [c.clock for c in cells if c.kind == "booked"] == ["10:00"]
    assert 'class="slot-book"' not in page.content.decode()  # her day is to read; the desk books


def test_the_diary_reads_in_the_same_number_of_queries_however_many_bookings(
    desk, rita, paula, dan, monday, at, django_assert_num_queries
):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _diary(desk, day=monday.isoformat())
        return len(queries)

    session_schedule(case=CaseFactory(assigned_physio=paula), scheduled_at=at("08:00"), by=rita)
    consultation_book(case=CaseFactory(), doctor=dan, scheduled_at=at("08:00"), by=rita)
    count()  # the first request of a session does its own bookkeeping
    few = count()
    for hour in range(9, 17):
        session_schedule(
            case=CaseFactory(assigned_physio=paula), scheduled_at=at(f"{hour}:00"), by=rita
        )
        consultation_book(case=CaseFactory(), doctor=dan, scheduled_at=at(f"{hour}:00"), by=rita)

    with django_assert_num_queries(few):
        _diary(desk, day=monday.isoformat())


@pytest.mark.parametrize(
    ("params", "shown"),
    [({"view": "week"}, 41), ({"view": "week", "by": "room"}, 41), ({"by": "room"}, 9)],
    ids=["week", "a-room-s-week", "rooms"],
)
def test_the_week_and_the_rooms_read_in_the_same_number_of_queries_however_many_bookings(
    desk, rita, paula, monday, at, params, shown, django_assert_num_queries
):
    gym = Room.objects.create(name="Gym")
    Room.objects.create(name="Room 1")
    query = {"day": monday.isoformat(), **params}

    def book(hour: int, day: int) -> None:
        case = CaseFactory(assigned_physio=paula)
        session_schedule(case=case, scheduled_at=at(f"{hour}:00", day=day), by=rita, room=gym)

    book(8, 0)
    _diary(desk, **query)  # the first request of a session does its own bookkeeping
    with CaptureQueriesContext(connection) as queries:
        _diary(desk, **query)
    for day in range(5):
        for hour in range(9, 17):
            book(hour, day)

    with django_assert_num_queries(len(queries)):
        page = _diary(desk, **query)
    assert len(page.context["entries"]) == shown
    assert page.content.decode().count('<div class="booking booking-session">') == shown


def test_my_day_reads_in_the_same_number_of_queries_however_many_bookings(
    client, rita, paula, monday, at, django_assert_num_queries
):
    client.force_login(paula)
    query = {"day": monday.isoformat()}
    session_schedule(case=CaseFactory(assigned_physio=paula), scheduled_at=at("08:00"), by=rita)
    client.get(reverse("diary:my-day"), query)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("diary:my-day"), query)
    for hour in range(9, 17):
        session_schedule(
            case=CaseFactory(assigned_physio=paula), scheduled_at=at(f"{hour}:00"), by=rita
        )

    with django_assert_num_queries(len(queries)):
        page = client.get(reverse("diary:my-day"), query)
    assert len(page.context["entries"]) == 9
    assert page.content.decode().count('<div class="booking booking-session">') == 9
