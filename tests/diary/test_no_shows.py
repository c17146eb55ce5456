"""Patients carry no_show_count_90d; two or more are flagged where staff book."""

from __future__ import annotations

import time_machine
from django.urls import reverse

from rehab.services.sessions import session_log, session_schedule
from tests.factories import CaseFactory, PatientFactory, session_booked_before
from triage.services.consultations import consultation_book, consultation_log


def _missed(case, rita, paula, at, day):
    session = session_booked_before(case, rita, scheduled_at=at("10:00", day=day))
    return session_log(session=session, by=paula, status="no_show")


def test_it_counts_the_appointments_missed_in_90_days(api_as, rita, paula, dan, case, at):
    _missed(case, rita, paula, at, -14)
    _missed(case, rita, paula, at, -112)  # more than 90 days ago: not counted
    with time_machine.travel(at("08:00", day=-21)):
        consultation = consultation_book(
            case=case, doctor=dan, scheduled_at=at("09:00", day=-21), by=rita
        )
    consultation_log(consultation=consultation, by=dan, status="no_show")

    response = api_as(rita).get(f"/api/v1/patients/{case.patient.pk}/")

    assert response.status_code == 200
    assert response.json()["no_show_count_90d"] == 2


def test_it_flags_the_patient_in_the_booking_form_and_the_diary(
    client, rita, paula, case, monday, at
):
    _missed(case, rita, paula, at, -14)
    _missed(case, rita, paula, at, -21)
    session_schedule(case=case, scheduled_at=at("10:00"), by=rita)
    client.force_login(rita)

    form = client.get(reverse("rehab:session-book"))
    diary = client.get(reverse("diary:diary"), {"day": monday.isoformat()})

    assert "missed 2 appointments in 90 days" in form.content.decode()
    assert "Missed 2 appointments in 90 days" in diary.content.decode()


def test_it_does_not_flag_a_single_miss(client, rita, paula, case, at):
    _missed(case, rita, paula, at, -14)
    client.force_login(rita)

    form = client.get(reverse("rehab:session-book"))

    assert form.status_code == 200
    assert "missed" not in form.content.decode()


def test_the_diary_counts_missed_sessions_and_consultations_together_per_patient(
    client, rita, paula, dan, case, monday, at
):
    _missed(case, rita, paula, at, -14)
    with time_machine.travel(at("08:00", day=-21)):
        consultation = consultation_book(
            case=case, doctor=dan, scheduled_at=at("09:00", day=-21), by=rita
        )
    consultation_log(consultation=consultation, by=dan, status="no_show")
    other = CaseFactory(
        patient=PatientFactory(given_name="Hugo", family_name="Moreau"), assigned_physio=paula
    )
    _missed(other, rita, paula, at, -7)  # Hugo missed one: not flagged
    session_schedule(case=case, scheduled_at=at("10:00"), by=rita)
    session_schedule(case=other, scheduled_at=at("14:00"), by=rita, physio=paula)
    client.force_login(rita)

    diary = client.get(reverse("diary:diary"), {"day": monday.isoformat()})

    content = diary.content.decode()
    assert content.count("Missed 2 appointments in 90 days") == 1
    assert "Missed 1" not in content
    assert {e.patient.family_name: e.no_shows for e in diary.context["entries"]} == {
        "Martin": 2,
        "Moreau": 1,
    }
