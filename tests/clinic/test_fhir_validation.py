"""A whole journey's FHIR export, read as another system reads it.

The bundle is checked by an independent R4 validator (FHIR.js with its R4 definitions, run
by Node: tests/fhir_validator/, installed by `make install` and CI) and by the fhir.resources
R4B models: no error, every resource with a narrative, every code system and questionnaire
it names published at its canonical address.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from tests.factories import examination_for, plan_for, referral_for
from tests.triage.test_intake_api import TWISTED_ANKLE

VALIDATOR = Path(__file__).resolve().parents[1] / "fhir_validator"


def validate(resource: dict) -> dict:
    """FHIR.js's verdict on a resource; skipped where Node or the validator is not installed."""
    node = shutil.which("node")
    if node is None or not (VALIDATOR / "node_modules" / "fhir").is_dir():
        if os.environ.get("CI"):
            pytest.fail("The FHIR validator is not installed: make install (npm ci) installs it.")
        pytest.skip("Node.js or tests/fhir_validator/node_modules missing: run make install.")
    result = subprocess.run(  # noqa: S603 - a fixed command on the test's own data
        [node, str(VALIDATOR / "validate.js")],
        input=json.dumps(resource),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(result.stdout)


@pytest.fixture
def journey(rita, dan, paula, api_as, patient, catalogue):
    """Emma's left ankle from intake to discharge, every step through the services."""
    from rehab.services.discharge import case_discharge
    from rehab.services.outcomes import outcome_record
    from rehab.services.return_to_run import return_to_run_update
    from rehab.services.sessions import session_record
    from triage.models import Condition
    from triage.services.diagnoses import diagnosis_create

    response = api_as(rita).post(
        "/api/v1/intakes/", {"patient": patient.pk, "questionnaire": TWISTED_ANKLE}
    )
    assert response.status_code == 201, response.content
    from clinic.models import Case

    case = Case.objects.get(pk=response.json()["case"])
    case.assigned_physio = paula
    case.save()
    exam = examination_for(case, dan, malleolar_zone_pain=True, lateral_malleolus_tenderness=True)
    referral_for(case, dan, status="reviewed", examination=exam)
    diagnosis_create(
        case=case,
        condition=Condition.objects.get(code="ankle_sprain"),
        laterality="left",
        diagnosed_by=dan,
        status="confirmed",
        notes="Grade II lateral sprain.",
    )
    plan_for(case, paula)
    for days_ago, (before, after) in ((14, (6, 4)), (7, (4, 2))):
        session_record(
            case=case,
            by=paula,
            status="attended",
            scheduled_at=timezone.now() - datetime.timedelta(days=days_ago),
            interventions=["mobilization", "strengthening", "proprioception"],
            pain_before=before,
            pain_after=after,
        )
    outcome_record(case=case, instrument="nprs", answers=[5], by=paula)
    outcome_record(case=case, instrument="nprs", answers=[1], by=paula)
    return_to_run_update(
        case=case,
        by=paula,
        checklist="ankle_sprain",
        values={},
        decision="graded_return",
        decided_on=datetime.date.today(),
        reason="Hops pain-free; start the walk-run plan.",
    )
    case.refresh_from_db()
    case_discharge(case=case, by=paula, summary="Back to easy running; home exercises for 6 weeks.")
    return case


def export(client, patient) -> dict:
    response = client.get(f"/api/v1/patients/{patient.pk}/fhir/")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_whole_journey_has_no_error_under_an_independent_r4_validator(journey, dan, api_as):
    bundle = export(api_as(dan), journey.patient)

    verdict = validate(bundle)

    assert verdict["errors"] == []
    assert verdict["missing_narrative"] == []
    assert verdict["valid"] is True
    Bundle.model_validate(bundle)
    kinds = {entry["resource"]["resourceType"] for entry in bundle["entry"]}
    assert {"CarePlan", "ClinicalImpression", "Questionnaire", "CodeSystem"} <= kinds


def test_every_named_code_system_and_questionnaire_is_published_where_its_url_says(
    journey, dan, api_as, client
):
    bundle = export(api_as(dan), journey.patient)
    base = settings.FHIR_CANONICAL_BASE
    published = {
        entry["resource"]["url"]: entry["resource"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] in ("CodeSystem", "Questionnaire")
    }
    named = {
        value for value in _values_of(bundle, ("system", "questionnaire")) if value.startswith(base)
    }

    assert named and named <= set(published)
    for url, resource in published.items():
        response = client.get(url.removeprefix(settings.SITE_URL))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/fhir+json"
        assert response.json() == resource
        assert validate(resource)["errors"] == []


def test_the_intake_answers_the_published_questionnaire_item_by_item(journey, dan, api_as):
    bundle = export(api_as(dan), journey.patient)
    resources = [entry["resource"] for entry in bundle["entry"]]
    questionnaire = next(r for r in resources if r["resourceType"] == "Questionnaire")
    response = next(r for r in resources if r["resourceType"] == "QuestionnaireResponse")

    assert response["questionnaire"] == questionnaire["url"]
    asked = _link_ids(questionnaire["item"])
    assert _link_ids(response["item"]) <= asked
    swelling = next(i for i in questionnaire["item"] if i["linkId"] == "swelling")
    assert swelling["type"] == "choice"
    assert {o["valueCoding"]["code"] for o in swelling["answerOption"]} == {
        "none",
        "mild",
        "moderate",
        "severe",
    }


def test_each_export_is_its_own_document(journey, dan, api_as):
    first = export(api_as(dan), journey.patient)
    second = export(api_as(dan), journey.patient)

    assert first["identifier"]["system"] == "urn:ietf:rfc:3986"
    assert first["identifier"]["value"] != second["identifier"]["value"]
    assert first["identifier"]["value"] == f"urn:uuid:{first['id']}"
    # The records themselves keep their ids from one export to the next.
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]


def test_it_exports_the_plan_the_session_pain_and_the_discharge(journey, dan, api_as):
    resources = [e["resource"] for e in export(api_as(dan), journey.patient)["entry"]]
    plan = next(r for r in resources if r["resourceType"] == "CarePlan")
    discharge = next(r for r in resources if r["resourceType"] == "ClinicalImpression")
    session_pain = [
        r
        for r in resources
        if r["resourceType"] == "Observation" and r.get("encounter") and "Pain" in r["code"]["text"]
    ]
    episode = next(r for r in resources if r["resourceType"] == "EpisodeOfCare")

    assert plan["status"] == "completed" and plan["description"] == "Run 5 km pain-free."
    assert discharge["summary"].startswith("Back to easy running")
    assert sorted(o["valueQuantity"]["value"] for o in session_pain) == [2, 4, 4, 6]
    assert {o["code"]["coding"][0]["code"] for o in session_pain} == {"72514-3"}
    assert episode["status"] == "finished"
    for resource in resources:
        assert resource["text"]["status"] == "generated"
        assert resource["text"]["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">')


def test_the_validator_catches_an_invalid_resource():
    verdict = validate({"resourceType": "Observation", "id": "x", "status": "not-a-status"})

    assert verdict["valid"] is False
    assert verdict["errors"]


def _values_of(node, keys):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in keys and isinstance(value, str):
                yield value
            yield from _values_of(value, keys)
    elif isinstance(node, list):
        for value in node:
            yield from _values_of(value, keys)


def _link_ids(items) -> set[str]:
    found = set()
    for item in items:
        found.add(item["linkId"])
        found |= _link_ids(item.get("item", []))
    return found


def test_an_intake_with_red_flags_has_no_error_under_the_validator(rita, dan, api_as, patient):
    questionnaire = {**TWISTED_ANKLE, "calf_pain_or_swelling": True, "fever_or_hot_red_joint": True}
    response = api_as(rita).post(
        "/api/v1/intakes/", {"patient": patient.pk, "questionnaire": questionnaire}
    )
    assert response.status_code == 201, response.content

    bundle = export(api_as(dan), patient)
    verdict = validate(bundle)

    assert verdict["errors"] == []
    assert verdict["missing_narrative"] == []
    assert any(
        entry["resource"].get("url", "").endswith("/CodeSystem/talus-red-flag")
        for entry in bundle["entry"]
    )
