"""Pages and API answers carry Cache-Control: no-store; static files keep their cache."""

from __future__ import annotations

from django.contrib.staticfiles import finders


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_a_patient_page_is_not_stored(client, rita, patient):
    client.force_login(rita)

    response = client.get(f"/patients/{patient.pk}/")

    assert response.status_code == 200
    assert no_store(response)


def test_an_api_answer_read_with_a_session_is_not_stored(client, dan, case):
    client.force_login(dan)

    response = client.get(f"/api/v1/cases/{case.pk}/")

    assert response.status_code == 200
    assert no_store(response)


def test_an_api_answer_read_with_a_token_is_not_stored(api, dan, case):
    token = api.post(
        "/api/v1/auth/token/", {"username": "dan", "password": "correct horse battery"}
    ).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = api.get(f"/api/v1/cases/{case.pk}/")

    assert response.status_code == 200
    assert no_store(response)


def test_a_refusal_is_not_stored_either(api_as, oscar, case):
    response = api_as(oscar).get(f"/api/v1/cases/{case.pk}/")

    assert response.status_code == 404
    assert no_store(response)


def test_a_static_file_keeps_its_cache_headers(client, db):
    assert finders.find("talus/talus.css") is not None

    response = client.get("/static/talus/talus.css")

    assert response.status_code == 200
    assert not no_store(response)
