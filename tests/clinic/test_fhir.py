"""GET /api/v1/patients/{id}/fhir/: a valid FHIR R4 Bundle of what the caller may see."""

from __future__ import annotations

import datetime
import json

from django.utils import timezone
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
    assert answers["mechanism"] == {
        "valueCoding": {
            "system": "http://127.0.0.1:8000/fhir/CodeSystem/talus-intake-mechanism",
            "code": "twist",
            "display": "Twisted the ankle",
        }
    }


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


def test_it_exports_the_whole_case_as_valid_linked_resources(dan, paula, api_as, case, catalogue):
    from rehab.services.outcomes import outcome_record
    from rehab.services.sessions import session_record
    from tests.factories import examination_for, referral_for
    from triage.models import Condition
    from triage.services.diagnoses import diagnosis_create

    exam = examination_for(case, dan, malleolar_zone_pain=True, lateral_malleolus_tenderness=True)
    referral_for(case, dan, status="reviewed", examination=exam)
    diagnosis_create(
        case=case,
        condition=Condition.objects.get(code="ankle_sprain"),
        laterality="left",
        diagnosed_by=dan,
        status="confirmed",
        notes="Grade II.",
    )
    session_record(
        case=case,
        by=paula,
        status="attended",
        scheduled_at=timezone.now() - datetime.timedelta(days=1),
        interventions=["massage", "proprioception"],
        pain_before=5,
        pain_after=3,
    )
    outcome_record(case=case, instrument="nprs", answers=[4], by=paula)

    body = export(api_as(dan), case.patient).json()

    bundle = Bundle.model_validate(body)
    kinds = sorted(e.resource.__resource_type__ for e in bundle.entry)
    assert kinds == sorted(
        [
            "Patient",
            "EpisodeOfCare",
            "Encounter",  # the exam visit
            "Observation",  # the imaging recommendation
            "Condition",
            "ServiceRequest",
            "DiagnosticReport",
            "Encounter",  # the session
            "Procedure",
            "Procedure",
            "Observation",  # pain before the session
            "Observation",  # pain after it
            "Observation",  # the NPRS outcome
            "CodeSystem",  # talus-condition
            "CodeSystem",  # talus-intervention
            "CodeSystem",  # talus-instrument
            "CodeSystem",  # talus-observation
        ]
    )
    condition = resources_of(body, "Condition")[0]
    assert condition["code"]["coding"][0] == {
        "system": "http://hl7.org/fhir/sid/icd-10",
        "code": "S93.4",
        "display": "Sprain and strain of ankle",
    }
    assert condition["verificationStatus"]["coding"][0]["code"] == "confirmed"
    request = resources_of(body, "ServiceRequest")[0]
    recommendation = next(
        o
        for o in resources_of(body, "Observation")
        if o["code"]["coding"][0]["code"] == "imaging-recommendation"
    )
    assert request["supportingInfo"][0]["reference"] == f"urn:uuid:{recommendation['id']}"
    assert recommendation["valueString"] == "ankle_xray"
    report = resources_of(body, "DiagnosticReport")[0]
    assert report["basedOn"][0]["reference"] == f"urn:uuid:{request['id']}"
    assert report["conclusion"].startswith("No fracture")
    nprs = next(
        o
        for o in resources_of(body, "Observation")
        if o["code"]["text"] == "Numeric Pain Rating Scale (NPRS)"
    )
    assert nprs["code"]["coding"][0]["code"] == "72514-3"
    assert nprs["extension"][0]["valueReference"]["reference"] == (
        f"urn:uuid:{resources_of(body, 'EpisodeOfCare')[0]['id']}"
    )
    assert nprs["valueQuantity"] == {
        "value": 4.0,
        "unit": "score",
        "system": "http://unitsofmeasure.org",
        "code": "{score}",
    }
    full_urls = {e["fullUrl"] for e in body["entry"]}
    references = [r["reference"] for r in _all_references(body)]
    assert references and set(references) <= full_urls


def _all_references(node):
    if isinstance(node, dict):
        if set(node) == {"reference"}:
            yield node
        for value in node.values():
            yield from _all_references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _all_references(value)


def test_it_answers_fhirs_media_type_or_plain_json_when_asked(dan, api_as, case):
    client = api_as(dan)
    url = f"/api/v1/patients/{case.patient_id}/fhir/"

    default = client.get(url)
    fhir_asked = client.get(url, HTTP_ACCEPT="application/fhir+json")
    json_asked = client.get(url, HTTP_ACCEPT="application/json")

    assert default["Content-Type"] == "application/fhir+json"
    assert fhir_asked.status_code == 200
    assert fhir_asked["Content-Type"] == "application/fhir+json"
    assert json_asked["Content-Type"] == "application/json"
    assert json.loads(fhir_asked.content)["resourceType"] == "Bundle"


def test_it_exports_sessions_stored_at_the_ends_of_the_calendar(dan, rita, api_as, case):
    from rehab.models import PhysioSession
    from rehab.services.sessions import session_schedule

    soon = timezone.now() + datetime.timedelta(minutes=1)
    last = session_schedule(case=case, scheduled_at=soon, by=rita)
    first = session_schedule(case=case, scheduled_at=soon + datetime.timedelta(hours=1), by=rita)
    PhysioSession.objects.filter(pk=last.pk).update(
        scheduled_at=datetime.datetime(9999, 12, 31, 23, 30, tzinfo=datetime.UTC)
    )
    PhysioSession.objects.filter(pk=first.pk).update(
        scheduled_at=datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)
    )

    body = export(api_as(dan), case.patient).json()

    Bundle.model_validate(body)
    periods = sorted(
        (e["period"] for e in resources_of(body, "Encounter")), key=lambda p: p["start"]
    )
    assert periods == [
        {"start": "0001-01-01T00:00:00+00:00", "end": "0001-01-01T00:45:00+00:00"},
        {"start": "9999-12-31T23:30:00+00:00"},
    ]


def test_it_exports_each_red_flag_as_an_abnormal_observation(rita, dan, api_as, patient):
    questionnaire = {**TWISTED_ANKLE, "calf_pain_or_swelling": True, "numbness_or_cold_foot": True}
    api_as(rita).post("/api/v1/intakes/", {"patient": patient.pk, "questionnaire": questionnaire})

    bundle = export(api_as(dan), patient).json()

    Bundle.model_validate(bundle)
    flags = [
        o
        for o in resources_of(bundle, "Observation")
        if o["code"]["coding"][0]["system"].endswith("/CodeSystem/talus-red-flag")
    ]
    assert [o["code"]["coding"][0]["code"] for o in flags] == [
        "calf_pain_or_swelling",
        "numbness_or_cold_foot",
    ]
    full_urls = {e["fullUrl"] for e in bundle["entry"]}
    for flag in flags:
        assert flag["valueBoolean"] is True
        assert flag["interpretation"][0]["coding"][0]["code"] == "A"
        assert flag["bodySite"]["coding"][0]["code"] == "51636004"  # left ankle
        assert flag["derivedFrom"][0]["reference"] in full_urls
    answers = {
        item["linkId"]: item.get("answer", [{}])[0]
        for item in resources_of(bundle, "QuestionnaireResponse")[0]["item"]
    }
    assert answers["calf_pain_or_swelling"] == {"valueBoolean": True}
    assert answers["night_pain"] == {"valueBoolean": False}


def test_it_exports_no_red_flag_observation_without_a_red_flag(rita, dan, api_as, patient):
    api_as(rita).post("/api/v1/intakes/", {"patient": patient.pk, "questionnaire": TWISTED_ANKLE})

    observations = resources_of(export(api_as(dan), patient).json(), "Observation")

    assert not [
        o
        for o in observations
        if o["code"]["coding"][0]["system"].endswith("/CodeSystem/talus-red-flag")
    ]


def test_it_puts_the_side_on_a_score(paula, dan, api_as, case):
    api_as(paula).post(
        "/api/v1/outcomes/",
        {
            "case": case.pk,
            "instrument": "cait",
            "answers": [5, 4, 3, 3, 2, 3, 4, 3, 3],
            "side": "right",
        },
    )
    api_as(paula).post("/api/v1/outcomes/", {"case": case.pk, "instrument": "nprs", "answers": [3]})

    bundle = export(api_as(dan), case.patient).json()

    Bundle.model_validate(bundle)
    scores = {
        o["code"]["text"]: o
        for o in resources_of(bundle, "Observation")
        if o["id"] and "valueQuantity" in o
    }
    cait = scores["Cumberland Ankle Instability Tool (CAIT)"]
    assert cait["bodySite"]["coding"][0] == {
        "system": "http://snomed.info/sct",
        "code": "6685009",
        "display": "Right ankle region structure",
    }
    assert "bodySite" not in scores["Numeric Pain Rating Scale (NPRS)"]
