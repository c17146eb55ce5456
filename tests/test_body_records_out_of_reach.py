"""A case (or an exam) named in a request body outside the caller's reach answers 404, in every
app, exactly as one that does not exist: the same answer, nothing written (clinic.fields)."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.utils import timezone

from clinic import privacy
from tests.factories import CaseFactory, PatientFactory, examination_for

MISSING = 999_999


def tomorrow() -> str:
    return (timezone.now() + datetime.timedelta(days=1)).replace(microsecond=0).isoformat()


# (persona, URL, the body around "case", the model a success would write)
CREATES = [
    ("dan", "/api/v1/examinations/", lambda: {"malleolar_zone_pain": True}, "triage.Examination"),
    (
        "dan",
        "/api/v1/diagnoses/",
        lambda: {"condition": "ankle_sprain", "laterality": "left"},
        "triage.Diagnosis",
    ),
    (
        "dan",
        "/api/v1/imaging-referrals/",
        lambda: {"modality": "xray", "body_site": "ankle", "laterality": "left", "reason": "x"},
        "triage.ImagingReferral",
    ),
    ("oscar", "/api/v1/sessions/", lambda: {"scheduled_at": tomorrow()}, "rehab.PhysioSession"),
    ("rita", "/api/v1/sessions/", lambda: {"scheduled_at": tomorrow()}, "rehab.PhysioSession"),
    (
        "oscar",
        "/api/v1/outcomes/",
        lambda: {"instrument": "nprs", "answers": [3]},
        "rehab.OutcomeMeasure",
    ),
    (
        "oscar",
        "/api/v1/treatment-plans/",
        lambda: {
            "goals": "Run 10 km.",
            "planned_sessions": 6,
            "frequency": 2,
            "started_on": timezone.localdate().isoformat(),
        },
        "rehab.TreatmentPlan",
    ),
]
NOT_FOUND = {"detail": "No such case.", "code": "not_found"}


@pytest.fixture
def out_of_reach(request, case, paula):
    """A case the persona cannot see: Paula's for a physio, a restricted patient's for the
    others (doctors and reception see every case but those)."""
    if request.node.callspec.params["persona"] == "oscar":
        return case
    restricted = CaseFactory(patient=PatientFactory(), assigned_physio=paula)
    privacy.patient_restrict(patient=restricted.patient)
    return restricted


@pytest.mark.parametrize(("persona", "url", "body", "model"), CREATES)
def test_it_answers_404_for_a_case_out_of_reach(
    persona, url, body, model, out_of_reach, catalogue, api_as, request
):
    user = request.getfixturevalue(persona)

    response = api_as(user).post(url, {"case": out_of_reach.pk, **body()}, format="json")

    assert response.status_code == 404, response.json()
    assert response.json() == NOT_FOUND
    assert not apps.get_model(model).objects.exists()


@pytest.mark.parametrize(("persona", "url", "body", "model"), CREATES)
def test_it_answers_the_same_404_for_a_case_that_does_not_exist(
    persona, url, body, model, catalogue, api_as, request
):
    user = request.getfixturevalue(persona)

    response = api_as(user).post(url, {"case": MISSING, **body()}, format="json")

    assert response.status_code == 404, response.json()
    assert response.json() == NOT_FOUND
    assert not apps.get_model(model).objects.exists()


def test_it_answers_404_for_an_exam_out_of_reach_named_in_a_referral(dan, paula, case, api_as):
    restricted = CaseFactory(patient=PatientFactory(), assigned_physio=paula)
    hidden_exam = examination_for(restricted, dan)
    privacy.patient_restrict(patient=restricted.patient)
    body = {"case": case.pk, "modality": "xray", "body_site": "ankle", "laterality": "left"}

    for exam_id in (hidden_exam.pk, MISSING):
        response = api_as(dan).post(
            "/api/v1/imaging-referrals/", {**body, "examination": exam_id}, format="json"
        )

        assert response.status_code == 404, response.json()
        assert response.json() == {"detail": "No such examination.", "code": "not_found"}
    assert not apps.get_model("triage.ImagingReferral").objects.exists()
