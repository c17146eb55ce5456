"""The patient's rules live in the service (services.patient_check): the page, the API, admin and
any caller of the service refuse the same things with the same words."""

from __future__ import annotations

import datetime

import pytest

from clinic import services
from clinic.errors import Invalid
from clinic.models import Patient

EMMA = {"given_name": "Emma", "family_name": "Martin", "date_of_birth": datetime.date(1991, 3, 14)}
FUTURE = datetime.date.today() + datetime.timedelta(days=400)


@pytest.mark.parametrize(
    ("change", "refused"),
    [
        ({"preferred_channel": "email"}, {"email": ["Needed for reminders by email."]}),
        ({"preferred_channel": "sms"}, {"phone": ["Needed for reminders by text message."]}),
        (
            {"date_of_birth": datetime.date(1899, 12, 31)},
            {"date_of_birth": ["The date of birth must be 1 January 1900 or later."]},
        ),
        (
            {"date_of_birth": FUTURE},
            {"date_of_birth": ["The date of birth cannot be in the future."]},
        ),
        ({"given_name": "   "}, {"given_name": ["Enter the name."]}),
    ],
)
def test_the_service_refuses_a_patient_who_breaks_a_rule(db, change, refused):
    with pytest.raises(Invalid) as caught:
        services.patient_create(**{**EMMA, **change})

    assert caught.value.errors == refused
    assert not Patient.objects.exists()


def test_the_service_judges_an_update_as_the_record_will_be(patient):
    before = patient.preferred_channel

    with pytest.raises(Invalid) as caught:
        services.patient_update(patient=patient, preferred_channel="sms", phone="")

    assert caught.value.errors == {"phone": ["Needed for reminders by text message."]}
    patient.refresh_from_db()
    assert (patient.preferred_channel, before) == (before, "email")


def test_the_service_takes_a_channel_with_its_contact(db):
    patient = services.patient_create(**EMMA, preferred_channel="sms", phone="+33 6 12 34 56 78")

    assert Patient.objects.get().preferred_channel == "sms"
    assert patient.mrn


def admin_form(**fields) -> dict[str, str]:
    """Admin's add-patient form for Emma, reminded by email, with no case inline."""
    return {
        "given_name": "Emma",
        "family_name": "Martin",
        "date_of_birth": "1991-03-14",
        "sex": "female",
        "phone": "",
        "preferred_channel": "email",
        "cases-TOTAL_FORMS": "0",
        "cases-INITIAL_FORMS": "0",
        **fields,
    }


def test_admin_refuses_a_patient_who_breaks_a_rule_with_the_services_words(client, ada):
    client.force_login(ada)

    response = client.post("/admin/clinic/patient/add/", admin_form(email=""))

    assert response.status_code == 200
    assert "Needed for reminders by email." in response.content.decode()
    assert not Patient.objects.exists()


def test_admin_records_a_patient_who_keeps_the_rules(client, ada):
    client.force_login(ada)

    response = client.post("/admin/clinic/patient/add/", admin_form(email="emma@example.org"))

    assert response.status_code == 302
    assert Patient.objects.get().email == "emma@example.org"
