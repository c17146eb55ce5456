"""Every page that shows a booking names its practitioner, also one who has since left."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.template import Context, Template
from django.utils import timezone

from clinic import roles
from rehab.services.sessions import session_schedule
from tests.factories import CaseFactory, UserFactory, intake_for

MARK = 'Lou Leclerc <span class="muted">(no longer active)</span>'


def render(value) -> str:
    return Template("{% load practitioners %}{{ who|practitioner }}").render(
        Context({"who": value})
    )


def test_it_names_a_practitioner_by_full_name_else_username(db):
    named = UserFactory(username="paula.d", first_name="Paula", last_name="Durand")
    unnamed = UserFactory(username="locum7", first_name="", last_name="")

    assert (render(named), render(unnamed)) == ("Paula Durand", "locum7")


def test_it_marks_a_practitioner_who_is_no_longer_active(db):
    lou = UserFactory(username="lou", first_name="Lou", last_name="Leclerc", is_active=False)

    assert render(lou) == MARK


def test_it_renders_a_dash_for_no_practitioner(db):
    assert render(None) == "—"


def test_it_escapes_the_name(db):
    odd = UserFactory(username="x", first_name="<b>Al</b>", last_name="", is_active=False)

    assert render(odd).startswith("&lt;b&gt;Al&lt;/b&gt; <span")


@pytest.fixture
def lou(db):
    """Lou was a physio; she took bookings, then left and her account was deactivated."""
    return UserFactory(username="lou", first_name="Lou", last_name="Leclerc", role=roles.PHYSIO)


@pytest.fixture
def noon():
    """A weekday at noon, so that "later today" is today whenever the suite runs."""
    zone = timezone.get_current_timezone()
    with time_machine.travel(datetime.datetime(2026, 6, 3, 12, 0, tzinfo=zone), tick=False):
        yield


@pytest.fixture
def booked_with_lou(noon, case, rita, lou):
    """At 16:00 today: a session of Paula's case booked with Lou, who has since left."""
    at = timezone.localtime().replace(hour=16, minute=0, second=0, microsecond=0)
    session = session_schedule(case=case, scheduled_at=at, by=rita, physio=lou)
    lou.is_active = False
    lou.save(update_fields=["is_active"])
    return session


def test_it_shows_the_day_list_with_a_booking_of_a_physio_who_left(client, rita, booked_with_lou):
    client.force_login(rita)

    response = client.get("/rehab/sessions/", {"day": timezone.localdate().isoformat()})

    assert response.status_code == 200
    assert MARK in response.content.decode()


def test_it_follows_the_triage_results_booking_button(client, rita, case, booked_with_lou):
    intake = intake_for(case, rita, urgency="routine")
    client.force_login(rita)

    result = client.get(f"/reception/intakes/{intake.pk}/")
    button = result.context["booking_url"]
    booking = client.get(button)

    assert result.status_code == 200
    assert button == f"/rehab/sessions/book/?case={case.pk}"
    assert booking.status_code == 200
    assert MARK in booking.content.decode()


def test_it_shows_the_doctors_case_page(client, dan, case, booked_with_lou):
    client.force_login(dan)

    response = client.get(f"/cases/{case.pk}/")

    assert response.status_code == 200
    assert MARK in response.content.decode()


def test_it_shows_the_physios_case_page(client, paula, case, booked_with_lou):
    client.force_login(paula)

    response = client.get(f"/rehab/cases/{case.pk}/")

    assert response.status_code == 200
    assert MARK in response.content.decode()


def test_it_shows_the_patient_record_and_the_caseload(
    client, rita, paula, patient, case, booked_with_lou
):
    client.force_login(rita)
    record = client.get(f"/patients/{patient.pk}/")
    client.force_login(paula)
    caseload = client.get("/rehab/caseload/")

    assert (record.status_code, caseload.status_code) == (200, 200)
    assert "MARTIN, Emma" in caseload.content.decode()


def test_it_marks_a_case_whose_assigned_physio_left_on_the_doctors_list(client, dan, lou):
    case = CaseFactory(assigned_physio=lou, status="triaged", urgency="routine")
    lou.is_active = False
    lou.save(update_fields=["is_active"])
    client.force_login(dan)

    listed = client.get("/cases/")
    detail = client.get(f"/cases/{case.pk}/")

    assert (listed.status_code, detail.status_code) == (200, 200)
    assert MARK in listed.content.decode()
    assert f"Physio: {MARK}" in detail.content.decode()


def test_it_never_offers_a_physio_who_left_for_a_booking(client, rita, case, lou):
    lou.is_active = False
    lou.save(update_fields=["is_active"])
    client.force_login(rita)

    response = client.get("/rehab/sessions/")

    assert response.status_code == 200
    assert "Lou Leclerc" not in response.content.decode()
