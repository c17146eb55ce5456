"""GET /api/v1/patients/{id}/fhir/: a valid FHIR R4 Bundle of what the caller may see."""

from __future__ import annotations

from fhir.resources.R4B.bundle import Bundle

from clinic.models import AuditEvent
from tests.factories import CaseFactory
from tests.triage.test_intake_api import TWISTED_ANKLE


def export(client, patient):
    response = client.get(f"/api/v1/patients/{patient.pk}/fhir/")
    assert response.status_code == 200, response.content
    return response


def resources_of(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_it_exports_a_bundle_that_validates_as_fhir_r4(rita, dan, api_as, patient):
    api_as(rita).post("/api/v1/intakes/", {"patient": patient.pk, "questionnaire": TWISTED_ANKLE})

    response = export(api_as(dan), patient)

    assert response["Content-Type"].startswith("application/fhir+json")
    bundle = Bundle.model_validate(response.json())
    assert bundle.type == "collection"
    kinds = [e.resource.__resource_type__ for e in bundle.entry]
    assert kinds[:3] == ["Patient", "EpisodeOfCare", "QuestionnaireResponse"]


def test_it_identifies_the_patient_by_mrn_and_links_every_resource(dan, api_as, case):
    bundle = export(api_as(dan), case.patient).json()

    patient = resources_of(bundle, "Patient")[0]
    episode = resources_of(bundle, "EpisodeOfCare")[0]
    full_urls = {e["fullUrl"] for e in bundle["entry"]}
    assert patient["identifier"] == [{"system": "urn:talus:mrn", "value": case.patient.mrn}]
    assert patient["birthDate"] == "1991-03-14"
    assert episode["patient"]["reference"] in full_urls
    assert episode["status"] == "planned"


def test_it_answers_the_questionnaire_with_typed_values(rita, dan, api_as, patient):
    api_as(rita).post("/api/v1/intakes/", {"patient": patient.pk, "questionnaire": TWISTED_ANKLE})

    answers = {
        item["linkId"]: item.get("answer", [{}])[0]
        for item in resources_of(export(api_as(dan), patient).json(), "QuestionnaireResponse")[0][
            "item"
        ]
    }

    assert answers["hematoma"] == {"valueBoolean": True}
    assert answers["pain_at_rest"] == {"valueInteger": 4}
    assert answers["weekly_distance_km"] == {"valueDecimal": 35.5}
    assert answers["mechanism"] == {"valueString": "twist"}


def test_it_exports_only_the_cases_a_physio_is_assigned_to(paula, api_as, case):
    CaseFactory(patient=case.patient)  # another case of Emma's, not Paula's

    episodes = resources_of(export(api_as(paula), case.patient).json(), "EpisodeOfCare")

    assert [e["identifier"][0]["value"] for e in episodes] == [str(case.pk)]


def test_it_audits_every_export(dan, api_as, case):
    export(api_as(dan), case.patient)

    assert (
        AuditEvent.objects.filter(action="export", patient_id=case.patient_id, actor=dan).count()
        == 1
    )


def test_it_refuses_reception_and_outsiders(rita, oscar, api_as, case):
    assert api_as(rita).get(f"/api/v1/patients/{case.patient_id}/fhir/").status_code == 403
    assert api_as(oscar).get(f"/api/v1/patients/{case.patient_id}/fhir/").status_code == 404
