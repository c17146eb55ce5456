"""The OpenAPI schema says what the API answers (clinic.schema)."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.factories import CaseFactory

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def ref_of(response, media_type="application/json"):
    return response["content"][media_type]["schema"]["$ref"].rsplit("/", 1)[-1]


def test_every_operation_documents_the_errors_any_request_can_meet(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        media = "application/fhir+json" if path.endswith("/fhir/") else "application/json"
        assert ref_of(responses["400"], media) == "ValidationError", (method, path)
        for code in ("401", "403", "429"):
            assert ref_of(responses[code], media) == "Error", (method, path, code)


def test_every_operation_on_a_record_documents_404(schema):
    for path, method, operation in operations(schema):
        if "{" in path:
            assert "404" in operation["responses"], (method, path)


def test_a_body_out_of_reach_or_too_large_is_documented_where_it_can_happen(schema):
    sessions = schema["paths"]["/api/v1/sessions/"]["post"]["responses"]
    patients = schema["paths"]["/api/v1/patients/"]["post"]["responses"]
    assert {"404", "409", "413", "415"} <= set(sessions)  # a case out of reach is a 404
    assert "404" not in patients and {"409", "413", "415"} <= set(patients)
    assert "413" not in schema["paths"]["/api/v1/cases/"]["get"]["responses"]


def test_writes_that_need_an_etag_document_if_match_412_and_428(schema):
    patch = schema["paths"]["/api/v1/sessions/{id}/"]["patch"]
    if_match = next(p for p in patch["parameters"] if p["name"] == "If-Match")
    assert (if_match["in"], if_match["required"]) == ("header", True)
    assert {"412", "428"} <= set(patch["responses"])
    assert "ETag" in patch["responses"]["200"]["headers"]
    retrieve = schema["paths"]["/api/v1/sessions/{id}/"]["get"]
    assert "304" in retrieve["responses"]
    exam_patch = schema["paths"]["/api/v1/examinations/{id}/"]["patch"]
    assert "428" not in exam_patch["responses"]


def test_the_validation_error_shape_is_field_errors_or_detail_and_code(schema):
    component = schema["components"]["schemas"]["ValidationError"]
    assert component["anyOf"][0] == {"$ref": "#/components/schemas/Error"}
    assert component["anyOf"][1]["type"] == "object"


def test_an_examinations_update_does_not_ask_for_its_case(schema):
    put = schema["paths"]["/api/v1/examinations/{id}/"]["put"]
    create = schema["paths"]["/api/v1/examinations/"]["post"]
    update_body = schema["components"]["schemas"][ref_of(put["requestBody"])]
    create_body = schema["components"]["schemas"][ref_of(create["requestBody"])]
    assert "case" not in update_body["properties"]
    assert "case" in create_body["required"]


def test_the_timeline_is_documented_as_the_bare_list_it_answers(schema):
    operation = schema["paths"]["/api/v1/cases/{id}/timeline/"]["get"]
    assert [p["name"] for p in operation["parameters"] if p["in"] == "query"] == []
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert body["type"] == "array"


def test_the_fhir_export_documents_fhirs_media_type(schema):
    content = schema["paths"]["/api/v1/patients/{id}/fhir/"]["get"]["responses"]["200"]["content"]
    assert list(content) == ["application/fhir+json", "application/json"]


def test_a_cases_urgency_is_its_enum_or_null(schema):
    urgency = schema["components"]["schemas"]["Case"]["properties"]["urgency"]
    assert urgency["nullable"] is True
    refs = [option["$ref"].rsplit("/", 1)[-1] for option in urgency["oneOf"]]
    assert refs == ["CaseUrgencyEnum", "NullEnum"]


def test_the_weekly_distance_is_a_number_from_0_to_500(schema):
    distance = schema["components"]["schemas"]["Questionnaire"]["properties"]["weekly_distance_km"]
    assert (distance["type"], distance["minimum"], distance["maximum"]) == ("number", 0, 500)
    assert "pattern" not in distance


def test_page_size_is_documented_from_1_to_200(schema):
    parameters = schema["paths"]["/api/v1/cases/"]["get"]["parameters"]
    page_size = next(p for p in parameters if p["name"] == "page_size")
    assert page_size["schema"] == {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}


@pytest.mark.django_db
def test_a_case_without_an_intake_answers_a_null_urgency(dan, api_as):
    case = CaseFactory()
    client = api_as(dan)

    assert client.get(f"/api/v1/cases/{case.pk}/").json()["urgency"] is None
    assert client.get("/api/v1/cases/").json()["results"][0]["urgency"] is None
