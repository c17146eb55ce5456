"""Where staff book, a patient booked elsewhere at that time is a warning with "Book anyway"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clinic.idempotency import FORM_FIELD
from diary.models import Room
from rehab.models import PhysioSession
from rehab.services.sessions import session_schedule
from triage.models import Consultation
from triage.services.consultations import consultation_book


@pytest.fixture
def emmas_consultation(rita, dan, case, at):
    """Emma sees Dan on Monday at 10:00-10:20."""
    return consultation_book(case=case, doctor=dan, scheduled_at=at("10:00"), by=rita)


def _book_session(client, case, paula, monday, clock, **extra):
    return client.post(
        reverse("rehab:session-book"),
        {
            "case": case.pk,
            "physio": paula.pk,
            "scheduled_at": f"{monday.isoformat()}T{clock}",
            "duration_minutes": 45,
            FORM_FIELD: "a" * 32,
            **extra,
        },
    )


def test_the_session_form_warns_and_books_nothing(
    client, rita, paula, case, monday, emmas_consultation
):
    client.force_login(rita)

    page = _book_session(client, case, paula, monday, "09:45")

    assert page.status_code == 200
    content = page.content.decode()
    assert "This patient is already booked at that time" in content
    assert "from 10:00" in content
    assert '<input type="hidden" name="allow_patient_clash" value="on">' in content
    assert '<button type="submit">Book anyway</button>' in content
    assert PhysioSession.objects.count() == 0


def test_book_anyway_books_the_session(client, rita, paula, case, monday, at, emmas_consultation):
    client.force_login(rita)

    page = _book_session(client, case, paula, monday, "09:45", allow_patient_clash="on")

    assert page.status_code == 302
    session = PhysioSession.objects.get()
    assert (session.case, session.scheduled_at) == (case, at("09:45"))


def test_the_practitioners_own_clash_is_no_warning_but_a_refusal(
    client, rita, paula, case, monday, at
):
    session_schedule(case=case, scheduled_at=at("10:00"), by=rita)
    client.force_login(rita)

    page = _book_session(client, case, paula, monday, "10:15", allow_patient_clash="on")

    assert page.status_code == 200
    assert "Book anyway" not in page.content.decode()
    assert "already booked from 10:00" in page.context["form"].errors["case"][0]
    assert PhysioSession.objects.count() == 1


def test_the_consultation_form_warns_then_books_anyway(client, rita, paula, dan, case, at, monday):
    session_schedule(case=case, scheduled_at=at("14:00"), by=rita)
    client.force_login(rita)
    data = {
        "case": case.pk,
        "doctor": dan.pk,
        "scheduled_at": f"{monday.isoformat()}T14:30",
        FORM_FIELD: "b" * 32,
    }

    warned = client.post(reverse("triage:consultation-new"), data)

    assert warned.status_code == 200
    assert "This patient is already booked at that time" in warned.content.decode()
    assert Consultation.objects.count() == 0

    booked = client.post(reverse("triage:consultation-new"), {**data, "allow_patient_clash": "on"})

    assert booked.status_code == 302
    assert Consultation.objects.get().scheduled_at == at("14:30")


def test_moving_a_consultation_onto_the_patients_session_warns_then_moves_anyway(
    client, rita, dan, case, at, emmas_consultation
):
    session_schedule(case=case, scheduled_at=at("14:00"), by=rita)
    client.force_login(rita)
    url = reverse("triage:consultation-move", args=[emmas_consultation.pk])
    data = {"doctor": dan.pk, "scheduled_at": at("14:15").isoformat()}

    warned = client.post(url, data)

    assert warned.status_code == 200
    assert "This patient is already booked at that time" in warned.content.decode()
    emmas_consultation.refresh_from_db()
    assert emmas_consultation.scheduled_at == at("10:00")

    moved = client.post(url, {**data, "allow_patient_clash": "on"})

    assert moved.status_code == 302
    emmas_consultation.refresh_from_db()
    assert emmas_consultation.scheduled_at == at("14:15")


def test_a_free_quarter_of_the_diary_fills_in_the_session_form(client, rita, paula, monday):
    gym = Room.objects.create(name="Gym")
    client.force_login(rita)

    page = client.get(
        reverse("rehab:session-book"),
        {
            "physio": paula.pk,
            "at": f"{monday.isoformat()}T10:30",
            "duration": "30",
            "room": gym.pk,
        },
    )

    form = page.context["form"]
    assert form["physio"].value() == str(paula.pk)
    assert form["scheduled_at"].value() == f"{monday.isoformat()}T10:30"
    assert form["duration_minutes"].value() == "30"
    assert form["room"].value() == str(gym.pk)
    content = page.content.decode()
    assert "usual room</label>" in content  # a radio button for no room chosen
    assert "Gym</label>" in content
