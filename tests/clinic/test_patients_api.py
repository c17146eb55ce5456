"""POST/GET /api/v1/patients/: registration, duplicates, validation and scoping."""

from __future__ import annotations

import pytest

from clinic.models import AuditEvent, Patient
from tests.conftest import patch_with_etag
from tests.factories import CaseFactory, PatientFactory

URL = "/api/v1/patients/"

EMMA = {
    "given_name": "Emma",
    "family_name": "Martin",
    "date_of_birth": "1991-03-14",
    "sex": "female",
    "email": "emma@example.org",
    "preferred_channel": "email",
    "reminder_consent": True,
}


def test_it_registers_a_patient_with_a_generated_mrn(rita, api_as):
    response = api_as(rita).post(URL, EMMA)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["mrn"].startswith("T") and len(body["mrn"]) == 9
    patient = Patient.objects.get(pk=body["id"])
    assert patient.mrn == body["mrn"]
    assert patient.reminder_consent_at is not None


def test_it_refuses_a_duplicate_with_409_and_the_match(rita, api_as):
    first = api_as(rita).post(URL, EMMA).json()

    response = api_as(rita).post(URL, {**EMMA, "given_name": "EMMA", "family_name": "martin "})

    assert response.status_code == 409
    assert response.json()["match"] == first["id"]
    assert response.json()["code"] == "duplicate_patient"
    assert Patient.objects.count() == 1


def test_it_registers_a_duplicate_when_asked_to(rita, api_as):
    api_as(rita).post(URL, EMMA)

    response = api_as(rita).post(URL, {**EMMA, "allow_duplicate": True})

    assert response.status_code == 201
    assert Patient.objects.count() == 2
    assert len(set(Patient.objects.values_list("mrn", flat=True))) == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"given_name": ""}, "given_name"),
        ({"date_of_birth": "14/03/1991"}, "date_of_birth"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"date_of_birth": "0001-01-01"}, "date_of_birth"),
        ({"date_of_birth": "1899-12-31"}, "date_of_birth"),
        ({"sex": "f"}, "sex"),
        ({"reminder_consent": 1}, "reminder_consent"),
        ({"reminder_consent": "yes"}, "reminder_consent"),
        ({"allow_duplicate": 0}, "allow_duplicate"),
        ({"email": "not-an-email"}, "email"),
        ({"preferred_channel": "pigeon"}, "preferred_channel"),
        ({"preferred_channel": "sms", "phone": ""}, "phone"),
        ({"preferred_channel": "email", "email": ""}, "email"),
    ],
)
def test_it_answers_400_per_bad_field_and_writes_nothing(rita, api_as, change, field):
    response = api_as(rita).post(URL, {**EMMA, **change})

    assert response.status_code == 400
    assert field in response.json()
    assert isinstance(response.json()[field], list)
    assert Patient.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_it_takes_a_birth_date_from_1_january_1900(rita, api_as):
    response = api_as(rita).post(URL, {**EMMA, "date_of_birth": "1900-01-01"})

    assert response.status_code == 201, response.json()


def test_it_lets_reception_update_demographics_and_timestamps_consent(rita, api_as, patient):
    patient_before = patient.reminder_consent_at

    response = patch_with_etag(api_as(rita), f"{URL}{patient.pk}/", {"reminder_consent": False})

    assert response.status_code == 200
    patient.refresh_from_db()
    assert patient.reminder_consent is False
    assert patient.reminder_consent_at > patient_before


def test_it_does_not_let_a_doctor_edit_demographics(dan, api_as, patient):
    response = api_as(dan).patch(f"{URL}{patient.pk}/", {"phone": "+33611111111"})

    assert response.status_code == 403
    patient.refresh_from_db()
    assert patient.phone == ""


def test_it_searches_by_name_or_mrn(rita, api_as):
    emma = PatientFactory(given_name="Emma", family_name="Martin")
    PatientFactory(given_name="Lucas", family_name="Bernard")

    by_name = api_as(rita).get(URL, {"search": "mart"}).json()["results"]
    by_mrn = api_as(rita).get(URL, {"search": emma.mrn}).json()["results"]

    assert [p["id"] for p in by_name] == [emma.pk]
    assert [p["id"] for p in by_mrn] == [emma.pk]


def test_it_shows_a_physio_only_the_patients_of_their_cases(paula, oscar, api_as, case):
    other = CaseFactory(assigned_physio=oscar)

    mine = api_as(paula).get(URL).json()["results"]

    assert [p["id"] for p in mine] == [case.patient_id]
    assert api_as(paula).get(f"{URL}{other.patient_id}/").status_code == 404


def test_it_refuses_anonymous_callers(api, patient):
    assert api.get(URL).status_code == 401
    assert api.get(f"{URL}{patient.pk}/").status_code == 401


def test_it_issues_a_token_that_authenticates(api, rita, patient):
    token = api.post(
        "/api/v1/auth/token/", {"username": "rita", "password": "correct horse battery"}
    ).json()["token"]

    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert api.get(f"{URL}{patient.pk}/").status_code == 200


def test_it_refuses_a_token_for_a_wrong_password(api, rita):
    response = api.post("/api/v1/auth/token/", {"username": "rita", "password": "nope"})

    assert response.status_code == 400
    assert "token" not in response.json()


def test_it_pages_patients_with_a_cursor(rita, api_as):
    for _ in range(3):
        PatientFactory()

    first = api_as(rita).get(URL, {"page_size": 2}).json()
    second = api_as(rita).get(first["next"]).json()

    assert len(first["results"]) == 2
    assert len(second["results"]) == 1
    assert "cursor=" in first["next"]


def test_it_keeps_the_patient_list_to_a_constant_number_of_queries(
    rita, api_as, django_assert_max_num_queries
):
    client = api_as(rita)
    PatientFactory()
    with django_assert_max_num_queries(6):
        client.get(URL)
    for _ in range(30):
        PatientFactory()
    with django_assert_max_num_queries(6):
        assert len(client.get(URL).json()["results"]) == 31


def test_it_answers_where_the_new_patient_lives(rita, api_as):
    client = api_as(rita)

    response = client.post(URL, EMMA)

    assert response.status_code == 201
    location = response["Location"]
    assert location == f"{URL}{response.json()['id']}/"
    assert client.get(location).json()["id"] == response.json()["id"]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/New_York"])
def test_it_writes_patients_exactly_as_the_declared_fields_would(rita, dan, api_as, settings, zone):
    """patient_json writes the list, a detail and a registration: the JSON of the declared
    fields, in any clinic zone, the diary's no-show count included."""
    from rest_framework import serializers

    from clinic.api import PatientSerializer
    from clinic.selectors import patients_visible_to, with_patient_facts

    settings.TIME_ZONE = zone

    class Declared(PatientSerializer):
        def to_representation(self, instance):
            return serializers.ModelSerializer.to_representation(self, instance)

    registered = api_as(rita).post(
        URL,
        {
            "given_name": "Zoé",
            "family_name": "Lefèvre",
            "date_of_birth": "1988-02-29",
            "sex": "female",
            "email": "zoe@example.org",
            "phone": "+33 6 12 34 56 78",
            "preferred_channel": "sms",
            "reminder_consent": True,
        },
    )
    assert registered.status_code == 201, registered.json()
    PatientFactory()

    rows = with_patient_facts(patients_visible_to(dan)).order_by("-id")
    expected = [dict(Declared(patient).data) for patient in rows]
    listed = api_as(dan).get(URL).json()["results"]
    detail = api_as(dan).get(f"{URL}{registered.json()['id']}/").json()

    assert listed == expected
    assert registered.json() == detail == next(e for e in expected if e["family_name"] == "Lefèvre")
    assert detail["reminder_consent_at"].endswith("Z") == (zone == "UTC")
    flagged = rows[0]
    flagged.no_show_count_90d = 2  # as the diary's annotation gives it (tests/diary)
    assert PatientSerializer(flagged).data == Declared(flagged).data
    assert PatientSerializer(flagged).data["no_show_count_90d"] == 2


def test_it_gives_each_listed_patient_their_age_on_the_clinics_day(dan, api_as, settings):
    """The page's day is worked out once, in the clinic's zone: on 1 December at noon UTC
    it is already 2 December in Auckland, Emma's 26th birthday."""
    import datetime

    import time_machine

    settings.TIME_ZONE = "Pacific/Auckland"
    emma = PatientFactory(given_name="Emma", date_of_birth=datetime.date(2000, 12, 2))
    PatientFactory(given_name="Hugo", date_of_birth=datetime.date(2000, 12, 3))

    with time_machine.travel(datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC), tick=False):
        listed = api_as(dan).get(URL).json()["results"]
        detail = api_as(dan).get(f"{URL}{emma.pk}/").json()

    assert {p["given_name"]: p["age"] for p in listed} == {"Emma": 26, "Hugo": 25}
    assert detail["age"] == 26
