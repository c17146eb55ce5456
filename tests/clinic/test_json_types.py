"""API input takes JSON values of the type the schema says (clinic.serializers)."""

from __future__ import annotations

import pytest

from clinic.models import Patient
from rehab.models import TreatmentPlan
from tests.clinic.test_patients_api import EMMA
from triage.models import Examination

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"phone": 612345678}, "phone", "Must be a string."),
        ({"given_name": ["Emma"]}, "given_name", "Must be a string."),
        ({"reminder_consent": 1}, "reminder_consent", "Must be true or false."),
        ({"reminder_consent": "yes"}, "reminder_consent", "Must be true or false."),
        ({"allow_duplicate": "on"}, "allow_duplicate", "Must be true or false."),
        ({"date_of_birth": 19910314}, "date_of_birth", "Must be a string."),
        ({"sex": 1}, "sex", "Must be a string."),
    ],
)
def test_it_refuses_a_patient_value_of_another_json_type(rita, api_as, change, field, message):
    response = api_as(rita).post("/api/v1/patients/", {**EMMA, **change})

    assert response.status_code == 400
    assert response.json() == {field: [message]}
    assert not Patient.objects.exists()


def test_it_refuses_numbers_and_ids_sent_as_strings(paula, api_as, case):
    body = {"case": str(case.pk), "goals": "Run 10 km", "planned_sessions": "6", "frequency": 2.0}

    response = api_as(paula).post("/api/v1/treatment-plans/", body)

    assert response.status_code == 400
    assert response.json() == {
        "case": ["Must be an id (a whole number)."],
        "planned_sessions": ["Must be a whole number."],
        "frequency": ["Must be a whole number."],
    }
    assert not TreatmentPlan.objects.exists()


def test_it_checks_nested_objects_too(rita, api_as, patient):
    questionnaire = {"onset": "gradual", "hematoma": 0, "pain_at_rest": "2"}

    response = api_as(rita).post(
        "/api/v1/intakes/", {"patient": patient.pk, "questionnaire": questionnaire}
    )

    assert response.status_code == 400
    assert response.json() == {
        "questionnaire": {
            "hematoma": ["Must be true or false."],
            "pain_at_rest": ["Must be a whole number."],
        }
    }


def test_it_refuses_a_finding_sent_as_a_number(dan, api_as, case):
    response = api_as(dan).post(
        "/api/v1/examinations/", {"case": case.pk, "malleolar_zone_pain": 1}
    )

    assert response.status_code == 400
    assert response.json() == {"malleolar_zone_pain": ["Must be true or false."]}
    assert not Examination.objects.exists()


def test_it_still_takes_the_token_endpoints_form(api, rita):
    response = api.post(
        "/api/v1/auth/token/",
        "username=rita&password=correct+horse+battery",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["token"]
