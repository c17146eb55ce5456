"""The API answers its JSON error shape for bad bodies and for failures outside DRF."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from clinic.models import Case, Patient
from clinic.parsers import MAX_DEPTH, nesting_depth
from triage.models import Intake

pytestmark = pytest.mark.django_db

INTAKES = "/api/v1/intakes/"
TOKEN = "/api/v1/auth/token/"


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


def post_raw(client, url: str, body: str, content_type: str = "application/json"):
    return client.generic("POST", url, body, content_type=content_type)


def test_it_refuses_a_body_nested_a_thousand_levels_with_a_clear_400(rita, api_as):
    response = post_raw(api_as(rita), INTAKES, nested(1000))

    assert response.status_code == 400
    assert response.json() == {
        "detail": f"JSON parse error - the body is nested more than {MAX_DEPTH} levels deep.",
        "code": "parse_error",
    }
    assert not (Patient.objects.exists() or Case.objects.exists() or Intake.objects.exists())


def test_it_refuses_a_deep_body_on_the_anonymous_token_endpoint_too(api):
    body = json.dumps({"username": "rita", "password": json.loads(nested(900))})

    response = post_raw(api, TOKEN, body)

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_it_parses_a_body_as_deep_as_the_limit(rita, api_as):
    deepest = {"questionnaire": json.loads(nested(MAX_DEPTH - 1))}

    response = post_raw(api_as(rita), INTAKES, json.dumps(deepest))

    # Parsed, then refused by the serializer: a questionnaire is an object, not a list.
    assert response.status_code == 400
    assert "questionnaire" in response.json()


def test_it_counts_nesting_outside_strings_only():
    assert nesting_depth('{"a": [1, {"b": "[[[[{{"}]}') == 3
    assert nesting_depth('"\\"[[["') == 0
    assert nesting_depth("7") == 0


def test_it_names_a_nul_character_in_a_body_field(rita, api_as):
    body = {"new_patient": {"given_name": "Em\u0000ma"}, "questionnaire": {}}

    response = api_as(rita).post(INTAKES, body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "new_patient": {"given_name": ["A NUL character (\\u0000) is not allowed."]}
    }
    assert not Patient.objects.exists()


def test_it_names_a_nul_character_inside_a_json_answer(paula, case, api_as):
    response = api_as(paula).post(
        "/api/v1/outcomes/",
        {"case": case.pk, "instrument": "nprs", "answers": [3, "\u0000"]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"answers": {"1": ["A NUL character (\\u0000) is not allowed."]}}


def test_it_answers_an_oversized_json_body_with_a_json_413(rita, api_as, settings):
    body = json.dumps({"notes": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})

    response = post_raw(api_as(rita), INTAKES, body)

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.",
        "code": "request_too_large",
    }


def test_it_answers_an_oversized_form_on_the_token_endpoint_with_a_json_413(api, settings):
    body = "username=rita&password=" + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    response = post_raw(api, TOKEN, body, "application/x-www-form-urlencoded")

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_it_takes_only_json_on_the_data_endpoints(rita, api_as):
    form = "application/x-www-form-urlencoded"

    response = post_raw(api_as(rita), INTAKES, "questionnaire=x", form)

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_it_answers_an_unknown_api_address_in_json(rita, api_as):
    response = api_as(rita).get("/api/v1/no-such-thing/7/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_it_keeps_the_html_404_for_pages(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.urls("tests.clinic.urls_with_error")
def test_it_answers_a_500_on_the_api_in_json_with_debug_off(settings):
    assert settings.DEBUG is False
    client = Client(raise_request_exception=False)

    response = client.get("/api/v1/explode/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "A server error occurred. Please report it with this response's X-Request-ID.",
        "code": "server_error",
    }
    assert response["X-Request-ID"]


@pytest.mark.urls("tests.clinic.urls_with_error")
def test_it_keeps_the_html_500_for_pages():
    client = Client(raise_request_exception=False)

    response = client.get("/explode/1/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
