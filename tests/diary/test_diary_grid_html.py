"""The diary grid's cells as the page writes them (diary/grid_html.py): each booking's time,
kind, patient, room and links, every value escaped, each link to its own record."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from html import escape

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.models import Patient
from diary import grid_html, rules, views
from diary.models import Room
from rehab.services.sessions import session_schedule
from tests.factories import CaseFactory, PatientFactory
from triage.services.consultations import consultation_book


@pytest.fixture
def desk(client, rita):
    client.force_login(rita)
    return client


def _day(client, monday, **params) -> str:
    page = client.get(reverse("diary:diary"), {"day": monday.isoformat(), **params})
    assert page.status_code == 200
    return page.content.decode()


def test_a_session_s_cell_has_its_time_patient_room_and_its_own_move_and_cancel_links(
    desk, rita, paula, case, monday, at
):
    gym = Room.objects.create(name="Gym")
    session = session_schedule(case=case, scheduled_at=at("10:00"), by=rita, room=gym)
    patient = case.patient

    content = _day(desk, monday)

    move = reverse("rehab:session-move", args=[session.pk])
    cancel = reverse("rehab:session-cancel", args=[session.pk])
    assert (
        '<td rowspan="3" class="slot slot-booked">\n'
        '<div class="booking booking-session">\n'
        '<span class="booking-when">10:00\N{EN DASH}10:45 Physiotherapy session</span>\n'
        f'<a href="{reverse("patient-record", args=[patient.pk])}">MARTIN, Emma</a> '
        f'<span class="muted">{patient.mrn}</span>\n'
        '<span class="muted">· Gym</span>\n'
        f'<span class="booking-actions"><a href="{move}">Move<span class="visually-hidden">'
        f' the 10:00 session</span></a> · <a href="{cancel}">Cancel<span class="visually-hidden">'
        " the 10:00 session</span></a></span>\n"
        "</div>\n"
        "</td>"
    ) in content


def test_each_booking_links_to_its_own_records_whatever_its_kind(
    desk, rita, paula, dan, monday, at
):
    first = session_schedule(
        case=CaseFactory(assigned_physio=paula), scheduled_at=at("09:00"), by=rita
    )
    second = session_schedule(
        case=CaseFactory(assigned_physio=paula), scheduled_at=at("14:00"), by=rita
    )
    consultation = consultation_book(
        case=CaseFactory(), doctor=dan, scheduled_at=at("11:00"), by=rita
    )

    content = _day(desk, monday)

    for session in (first, second):
        assert f'href="{reverse("rehab:session-move", args=[session.pk])}"' in content
        assert f'href="{reverse("rehab:session-cancel", args=[session.pk])}"' in content
        assert f'href="{reverse("patient-record", args=[session.case.patient_id])}"' in content
    assert (
        f'<a href="{reverse("triage:consultation-move", args=[consultation.pk])}">Move'
        '<span class="visually-hidden"> the 11:00 consultation</span></a> · '
        f'<a href="{reverse("triage:consultation-cancel", args=[consultation.pk])}">Cancel'
        '<span class="visually-hidden"> the 11:00 consultation</span></a>'
    ) in content
    assert '<div class="booking booking-consultation">' in content
    assert "11:00\N{EN DASH}11:20 Doctor&#x27;s consultation" in content


def test_a_patient_s_a_practitioner_s_and_a_room_s_names_are_escaped(desk, rita, paula, monday, at):
    paula.first_name, paula.last_name = "Paula", "<i>Jensen</i> & Co"
    paula.save()
    room = Room.objects.create(name="<b>Gym</b> & pool")
    patient = PatientFactory(given_name="Zoë", family_name="O'Brien & Sons")
    session_schedule(
        case=CaseFactory(patient=patient, assigned_physio=paula),
        scheduled_at=at("10:00"),
        by=rita,
        room=room,
    )
    # The patients' forms refuse < and > in a name; a row written before that rule (or by an
    # import) may still hold them, and the page must show them as text.
    Patient.objects.filter(pk=patient.pk).update(given_name='Zoë <script>alert("x")</script>')

    content = _day(desk, monday)

    assert (
        "O&#x27;BRIEN &amp; SONS, Zoë &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</a>"
    ) in content
    assert '<span class="muted">· &lt;b&gt;Gym&lt;/b&gt; &amp; pool</span>' in content
    assert (
        '<span class="visually-hidden"> '
        f"{monday:%a} {monday.day} {monday:%b} 11:00, Paula &lt;i&gt;Jensen&lt;/i&gt; &amp; Co,"
        " 45 minutes</span>"
    ) in content
    assert "<script>alert" not in content
    assert "<b>Gym" not in content and "<i>Jensen" not in content


def test_bookings_whose_quarters_touch_share_one_cell(desk, rita, paula, monday, at):
    # 10:00-10:40 and 10:40-11:10: on the quarter grid, 10:00-10:45 and 10:30-11:15 overlap.
    session_schedule(
        case=CaseFactory(assigned_physio=paula),
        scheduled_at=at("10:00"),
        duration_minutes=40,
        by=rita,
    )
    session_schedule(
        case=CaseFactory(assigned_physio=paula),
        scheduled_at=at("10:40"),
        duration_minutes=30,
        by=rita,
    )

    content = _day(desk, monday)

    cell = content.split('<td rowspan="5" class="slot slot-booked">')[1].split("</td>")[0]
    assert cell.count('<div class="booking booking-session">') == 2
    assert "10:00\N{EN DASH}10:40" in cell and "10:40\N{EN DASH}11:10" in cell


def test_a_booking_out_of_reach_is_booked_time_without_a_name_or_links(
    client, rita, paula, oscar, monday, at
):
    theirs = CaseFactory(
        assigned_physio=oscar, patient=PatientFactory(given_name="Noah", family_name="Leroy")
    )
    session_schedule(case=theirs, scheduled_at=at("14:00"), by=rita, physio=paula)
    client.force_login(paula)

    page = client.get(reverse("diary:my-day"), {"day": monday.isoformat()})

    content = page.content.decode()
    assert (
        '<span class="booking-when">14:00\N{EN DASH}14:45 Physiotherapy session</span>\n'
        '<span class="muted">Booked</span>\n</div>'
    ) in content
    assert "Leroy" not in content and "LEROY" not in content
    assert "/move/" not in content and "/cancel/" not in content


def test_a_pattern_gives_the_url_reverse_gives_for_every_id():
    record = grid_html.url_pattern("patient-record")
    move = grid_html.url_pattern("rehab:session-move")

    for pk in (1, 7, 10, 987, 123456789):
        assert record(pk) == reverse("patient-record", args=[pk])
        assert move(pk) == reverse("rehab:session-move", args=[pk])


def test_an_escaped_route_is_the_escaped_url_reverse_gives_for_every_id():
    cancel = grid_html._escaped_route("triage:consultation-cancel")

    for pk in (1, 7, 10, 987, 123456789):
        assert cancel(pk) == escape(reverse("triage:consultation-cancel", args=[pk]))


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/St_Johns", "UTC"])
def test_a_booking_s_clock_is_its_local_hour_and_minute_across_a_change_of_the_clocks(zone):
    local = zoneinfo.ZoneInfo(zone)
    # Every quarter (and a few odd minutes) of two days around Paris's autumn change.
    start = dt.datetime(2026, 10, 24, 22, 0, tzinfo=dt.UTC)
    for minutes in [*range(0, 48 * 60, 15), 7, 601, 1439]:
        moment = start + dt.timedelta(minutes=minutes, seconds=59)
        assert grid_html._hhmm(moment, local) == f"{moment.astimezone(local):%H:%M}"


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2026, 3, 29),  # Paris springs forward at 02:00
        dt.date(2026, 10, 25),  # and falls back at 03:00
        dt.date(2026, 6, 15),
    ],
)
def test_a_free_quarter_books_the_instant_its_row_stands_for_even_when_the_clocks_change(day):
    with timezone.override(zoneinfo.ZoneInfo("Europe/Paris")):
        when = views._book_when(day)
        for minute in range(0, 24 * 60, 15):
            instant = timezone.localtime(rules.at_minute(day, minute))
            assert when(minute) == f"{instant:%Y-%m-%dT%H:%M}"


def test_my_day_names_her_patients_without_the_desk_s_move_and_cancel_links(
    client, rita, paula, case, monday, at
):
    session_schedule(case=case, scheduled_at=at("10:00"), by=rita)
    client.force_login(paula)

    page = client.get(reverse("diary:my-day"), {"day": monday.isoformat()})

    content = page.content.decode()
    assert f'<span class="muted">{case.patient.mrn}</span>\n</div>' in content
    assert 'class="booking-actions"' not in content
