"""Reception pages: register, duplicate warning, the questionnaire, the result, today's list."""

from __future__ import annotations

import datetime
import re

import pytest

from clinic.models import AuditEvent, Case, Patient
from tests.factories import PatientFactory
from triage.models import Intake

NEW_PATIENT = {
    "given_name": "Emma",
    "family_name": "Martin",
    "date_of_birth": "1991-03-14",
    "sex": "female",
    "email": "emma@example.org",
    "phone": "",
    "preferred_channel": "email",
    "reminder_consent": "on",
}

GRADUAL = {
    "onset": "gradual",
    "swelling": "none",
    "hematoma": "no",
    "mobility": "normal",
    "weight_bearing": "normal",
    "pain_location": "posterior",
    "side": "right",
    "pain_at_rest": "0",
    "pain_after_running": "3",
    "pain_duration_days": "20",
    "still_running": "yes",
    "weekly_distance_km": "40",
    "recent_training_change": "no",
    "recent_shoe_change": "no",
    "known_flat_feet": "no",
    "previous_sprains": "0",
    "calf_pain_or_swelling": "no",
    "fever_or_hot_red_joint": "no",
    "numbness_or_cold_foot": "no",
    "night_pain": "no",
    "focal_bone_pain": "no",
}


def test_it_registers_a_patient_then_opens_the_questionnaire(client, rita):
    client.force_login(rita)

    response = client.post("/reception/patients/new/", NEW_PATIENT)

    patient = Patient.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/reception/patients/{patient.pk}/intake/"
    assert patient.mrn and patient.reminder_consent
    assert AuditEvent.objects.filter(action="create", patient_id=patient.pk).exists()


def test_it_warns_of_a_duplicate_and_lets_reception_continue(client, rita):
    emma = PatientFactory(
        given_name="Emma", family_name="Martin", date_of_birth=datetime.date(1991, 3, 14)
    )
    client.force_login(rita)

    warned = client.post("/reception/patients/new/", {**NEW_PATIENT, "given_name": "emma"})
    continued = client.post("/reception/patients/new/", {**NEW_PATIENT, "allow_duplicate": "on"})

    assert warned.status_code == 200
    assert b"may already be registered" in warned.content
    assert emma.mrn.encode() in warned.content
    assert continued.status_code == 302
    assert Patient.objects.count() == 2


def test_it_keeps_what_was_typed_and_shows_errors_beside_the_field(client, rita):
    client.force_login(rita)

    response = client.post(
        "/reception/patients/new/", {**NEW_PATIENT, "email": "", "date_of_birth": ""}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Martin"' in html
    assert "Needed for reminders by email." in html
    assert 'class="error-summary"' in html
    assert not Patient.objects.exists()


def test_it_triages_the_questionnaire_and_shows_the_result(client, rita, patient):
    client.force_login(rita)
    answers = {**GRADUAL, "pain_at_rest": "6"}

    response = client.post(f"/reception/patients/{patient.pk}/intake/", answers, follow=True)

    intake = Intake.objects.get()
    assert response.redirect_chain[-1][0] == f"/reception/intakes/{intake.pk}/"
    assert (intake.urgency, intake.stop_running, intake.case.status) == ("soon", True, "triaged")
    assert intake.mechanism == "" and intake.hematoma is False
    html = response.content.decode()
    assert "SOON — SEE A DOCTOR THIS WEEK" in html
    assert "Stop running" in html
    for sentence in intake.rationale:
        assert sentence.replace("'", "&#x27;") in html


def test_it_refuses_a_trauma_without_a_mechanism_and_keeps_the_answers(client, rita, patient):
    client.force_login(rita)

    response = client.post(
        f"/reception/patients/{patient.pk}/intake/", {**GRADUAL, "onset": "trauma"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Required when the onset is trauma." in html
    assert 'value="40"' in html
    assert re.search(r'value="posterior"[^>]*checked', html)
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pain_duration_days", str(2**31), "less than or equal to 3650"),
        ("previous_sprains", "40000", "less than or equal to 100"),
        ("weekly_distance_km", "500.1", "less than or equal to 500"),
    ],
)
def test_it_refuses_a_number_past_its_range_beside_the_field(
    client, rita, patient, field, value, message
):
    client.force_login(rita)

    response = client.post(f"/reception/patients/{patient.pk}/intake/", {**GRADUAL, field: value})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Intake.objects.exists()


@pytest.mark.parametrize(
    ("born", "message"),
    [
        ("1899-12-31", "The date of birth must be 1 January 1900 or later."),
        ("2999-01-01", "The date of birth cannot be in the future."),
    ],
)
def test_it_refuses_a_birth_date_before_1900_or_in_the_future(client, rita, born, message):
    client.force_login(rita)

    response = client.post("/reception/patients/new/", {**NEW_PATIENT, "date_of_birth": born})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Patient.objects.exists()


def test_it_lists_todays_intakes_most_urgent_first(client, rita):
    routine = PatientFactory(family_name="Routine")
    urgent = PatientFactory(family_name="Urgent")
    client.force_login(rita)
    client.post(f"/reception/patients/{routine.pk}/intake/", GRADUAL)
    client.post(
        f"/reception/patients/{urgent.pk}/intake/",
        {**GRADUAL, "onset": "trauma", "mechanism": "fall", "weight_bearing": "impossible"},
    )

    html = client.get("/reception/").content.decode()

    assert html.index("URGENT") < html.index("ROUTINE")


def test_it_finds_a_known_patient_to_start_an_intake(client, rita, patient):
    client.force_login(rita)

    response = client.get("/reception/", {"q": patient.mrn})

    assert f"/reception/patients/{patient.pk}/intake/".encode() in response.content


def test_it_keeps_physios_out_of_reception_pages(client, paula, patient):
    client.force_login(paula)

    assert client.get("/reception/").status_code == 403
    assert client.get(f"/reception/patients/{patient.pk}/intake/").status_code == 403


def test_it_links_a_routine_result_to_booking_a_physio_session(client, rita, patient):
    client.force_login(rita)

    result = client.post(f"/reception/patients/{patient.pk}/intake/", GRADUAL, follow=True)
    case_id = Intake.objects.get().case_id
    booking = client.get(f"/rehab/sessions/book/?case={case_id}")

    assert f'href="/rehab/sessions/book/?case={case_id}"' in result.content.decode()
    assert re.search(rf'<option value="{case_id}" selected>', booking.content.decode())


def test_it_links_to_the_clinics_booking_tool_when_there_is_one(client, rita, patient, settings):
    settings.CLINIC_BOOKING_URL = "https://booking.example/new?mrn={mrn}"
    client.force_login(rita)

    result = client.post(f"/reception/patients/{patient.pk}/intake/", GRADUAL, follow=True)

    assert f"https://booking.example/new?mrn={patient.mrn}" in result.content.decode()


def test_it_needs_an_answer_to_every_safety_question(client, rita, patient):
    client.force_login(rita)
    answers = {k: v for k, v in GRADUAL.items() if k != "calf_pain_or_swelling"}

    response = client.post(f"/reception/patients/{patient.pk}/intake/", answers)

    assert response.status_code == 200
    assert response.context["form"].errors["calf_pain_or_swelling"] == ["This field is required."]
    assert not Intake.objects.exists()


def test_it_shows_the_red_flag_and_the_plain_advice_on_the_result(client, rita, patient):
    client.force_login(rita)
    answers = {**GRADUAL, "numbness_or_cold_foot": "yes"}

    response = client.post(f"/reception/patients/{patient.pk}/intake/", answers, follow=True)

    intake = Intake.objects.get()
    assert (intake.urgency, intake.red_flags, intake.stop_running) == (
        "urgent",
        ["numbness_or_cold_foot"],
        True,
    )
    assert intake.case.urgency == "urgent"
    html = response.content.decode()
    assert "RED FLAG — a doctor today" in html
    assert "numbness or a cold foot (possible nerve or circulation problem)" in html
    assert intake.patient_advice.startswith("You told us about a numb or cold foot.")
    assert intake.patient_advice in html.replace("&#x27;", "'")
