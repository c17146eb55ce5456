"""Login, logout and each role's landing page."""

from __future__ import annotations

import pytest

from tests.factories import PatientFactory


def test_it_shows_the_login_page(client, db):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert b'<label for="id_username">' in response.content


def test_it_sends_anonymous_visitors_to_login(client, db):
    response = client.get("/patients/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_logs_in_and_out_with_a_password(client, rita):
    response = client.post(
        "/accounts/login/", {"username": "rita", "password": "correct horse battery"}
    )
    assert response.status_code == 302

    assert client.get("/patients/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/patients/").status_code == 302


@pytest.mark.parametrize("persona", ["rita", "dan", "paula"])
def test_it_lands_each_clinical_role_on_a_page_of_its_own(client, persona, request):
    client.force_login(request.getfixturevalue(persona))

    response = client.get("/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain


def test_it_finds_a_patient_by_mrn_name_or_birth_date(client, rita):
    emma = PatientFactory(given_name="Emma", family_name="Martin")
    client.force_login(rita)

    for term in (emma.mrn, "emma mart", emma.date_of_birth.strftime("%d/%m/%Y")):
        response = client.get("/patients/", {"q": term})
        assert emma.mrn.encode() in response.content, term


def test_it_hides_a_patient_page_from_an_outsider_physio(client, oscar, case):
    client.force_login(oscar)

    assert client.get(f"/patients/{case.patient_id}/").status_code == 404
