"""Names refuse control characters, direction overrides and markup; phones are real numbers,
stored in E.164; a date of birth is from 1900. One rule (services.patient_check) for the
service, the API, the page and admin."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps

from clinic import services
from clinic.errors import Invalid
from clinic.models import Patient
from tests.clinic.test_patient_rules import EMMA, admin_form

REFUSED_NAMES = [
    ("Emma\x00", "Names cannot contain control or invisible characters."),
    ("Em\tma", "Names cannot contain control or invisible characters."),
    ("Emma\nMartin", "Names cannot contain control or invisible characters."),
    ("Em\u200bma", "Names cannot contain control or invisible characters."),
    ("Emma\u2028", "Names cannot contain control or invisible characters."),
    ("\u202eammE", "Names cannot contain text-direction controls."),
    ("Emma\u2066x\u2069", "Names cannot contain text-direction controls."),
    ("Emma\u200f", "Names cannot contain text-direction controls."),
    ("<script>alert(1)</script>", "Names cannot contain < or >."),
    ("Emma<b>", "Names cannot contain < or >."),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "message"), REFUSED_NAMES)
@pytest.mark.parametrize("field", ["given_name", "family_name"])
def test_the_service_refuses_a_name_with_hidden_characters_or_markup(field, name, message):
    with pytest.raises(Invalid) as refused:
        services.patient_create(**{**EMMA, field: name})

    assert refused.value.errors == {field: [message]}
    assert not Patient.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "Zoë",
        "O'Brien",
        "Jean-Luc",
        "María José",
        "Ngô Bảo Châu",
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # a Persian word with its ZWNJ
        "Łukasz",
    ],
)
def test_it_takes_the_names_people_have(name):
    patient = services.patient_create(**{**EMMA, "given_name": name})

    assert Patient.objects.get(pk=patient.pk).given_name == name


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("06 12 34 56 78", "+33612345678"),  # PHONE_DEFAULT_REGION (FR) without a +code
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+44 7400 123456", "+447400123456"),
        ("0033612345678", "+33612345678"),
        ("+33 (0)6 12-34-56-78", "+33612345678"),
    ],
)
def test_the_service_stores_a_phone_in_e164(typed, stored):
    patient = services.patient_create(**EMMA, phone=typed, preferred_channel="sms")

    assert Patient.objects.get(pk=patient.pk).phone == stored


PHONE_MESSAGE = "Enter a valid phone number, with its country code (+33 6 12 34 56 78)."


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    ["12", "not a phone", "+33 6 12", "+999 123456789", "06 12 34 56 78\u202e", "<06>12345678"],
)
def test_the_service_refuses_what_is_not_a_phone_number(typed):
    with pytest.raises(Invalid) as refused:
        services.patient_create(**EMMA, phone=typed)

    assert refused.value.errors == {"phone": [PHONE_MESSAGE]}
    assert not Patient.objects.exists()


def test_an_update_stores_the_new_phone_in_e164(patient):
    services.patient_update(patient=patient, phone="07 81 23 45 67")

    patient.refresh_from_db()
    assert patient.phone == "+33781234567"


def test_the_phone_is_read_in_the_clinics_region(db, settings):
    settings.PHONE_DEFAULT_REGION = "GB"

    patient = services.patient_create(**EMMA, phone="07400 123456")

    assert patient.phone == "+447400123456"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("born", "refused"),
    [(datetime.date(1899, 12, 31), True), (datetime.date(1900, 1, 1), False)],
)
def test_a_date_of_birth_is_from_1900(born, refused):
    if refused:
        with pytest.raises(Invalid) as caught:
            services.patient_create(**{**EMMA, "date_of_birth": born})
        assert list(caught.value.errors) == ["date_of_birth"]
    else:
        assert services.patient_create(**{**EMMA, "date_of_birth": born}).date_of_birth == born


def test_the_api_refuses_a_name_with_a_direction_override(dan, api_as, rita):
    response = api_as(rita).post(
        "/api/v1/patients/",
        {
            "given_name": "\u202eammE",
            "family_name": "Martin",
            "date_of_birth": "1991-03-14",
            "phone": "garbage",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "given_name": ["Names cannot contain text-direction controls."],
        "phone": [PHONE_MESSAGE],
    }
    assert not Patient.objects.exists()


def test_the_api_stores_the_phone_in_e164(rita, api_as):
    response = api_as(rita).post(
        "/api/v1/patients/",
        {**{k: str(v) for k, v in EMMA.items()}, "phone": "06 12 34 56 78"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["phone"] == "+33612345678"
    assert Patient.objects.get().phone == "+33612345678"


def test_admin_refuses_markup_and_stores_phones_in_e164(client, ada):
    client.force_login(ada)

    refused = client.post("/admin/clinic/patient/add/", admin_form(family_name="<i>Martin</i>"))
    taken = client.post(
        "/admin/clinic/patient/add/",
        admin_form(email="emma@example.org", phone="06 12 34 56 78"),
    )

    assert refused.status_code == 200
    assert "Names cannot contain &lt; or &gt;." in refused.content.decode()
    assert taken.status_code == 302
    assert Patient.objects.get().phone == "+33612345678"


def test_the_migration_stores_existing_phones_in_e164_and_keeps_what_it_cannot_read(db):
    from importlib import import_module

    migration = import_module("clinic.migrations.0005_patient_phones_e164")
    readable = services.patient_create(**EMMA)
    unreadable = services.patient_create(**{**EMMA, "given_name": "Léa"}, allow_duplicate=True)
    Patient.objects.filter(pk=readable.pk).update(phone="06 12 34 56 78")
    Patient.objects.filter(pk=unreadable.pk).update(phone="call the club")

    migration.to_e164(apps, None)

    assert Patient.objects.get(pk=readable.pk).phone == "+33612345678"
    assert Patient.objects.get(pk=unreadable.pk).phone == "call the club"
