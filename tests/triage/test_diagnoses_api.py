"""The condition catalogue and /api/v1/diagnoses/: provisional → confirmed or refuted."""

from __future__ import annotations

import pytest

from clinic.models import CaseStatus
from tests.conftest import patch_with_etag
from tests.factories import CaseFactory
from triage.models import Condition, Diagnosis
from triage.services.diagnoses import diagnosis_create

URL = "/api/v1/diagnoses/"

CATALOGUE = {
    ("ankle_sprain", "S93.4", "Sprain and strain of ankle", "trauma"),
    ("ankle_fracture", "S82.8", "Fractures of other parts of lower leg (ankle)", "trauma"),
    ("achilles_rupture", "S86.0", "Injury of Achilles tendon", "trauma"),
    ("achilles_tendinitis", "M76.6", "Achilles tendinitis", "overuse"),
    ("flat_foot", "M21.4", "Flat foot [pes planus] (acquired)", "overuse"),
    ("muscular_imbalance", "M62.8", "Other specified disorders of muscle", "overuse"),
    ("ankle_osteoarthritis", "M19.07", "Primary arthrosis, ankle and foot", "overuse"),
    ("poor_running_technique", "R26.8", "Other abnormalities of gait and mobility", "overuse"),
    ("stress_fracture", "M84.3", "Stress fracture, not elsewhere classified", "overuse"),
    (
        "syndesmosis_sprain",
        "S93.4",
        "Sprain of the distal tibiofibular ligament (high ankle sprain)",
        "trauma",
    ),
    ("peroneal_tendinopathy", "M76.7", "Peroneal tendinitis", "overuse"),
    (
        "tibialis_posterior_tendinopathy",
        "M76.8",
        "Other enthesopathies of lower limb (tibialis posterior)",
        "overuse",
    ),
}


def test_it_seeds_the_catalogue_with_the_designs_twelve_rows(db):
    rows = set(Condition.objects.values_list("code", "icd10", "title", "pathway"))

    assert rows == CATALOGUE
    assert len(rows) == 12


def test_it_has_a_catalogue_row_for_every_code_triage_may_suspect(db):
    from triage.vocabulary import CONDITION_CODES

    assert set(Condition.objects.values_list("code", flat=True)) == set(CONDITION_CODES)


def test_it_serves_the_catalogue_to_doctors(dan, api_as):
    response = api_as(dan).get("/api/v1/conditions/")

    assert response.status_code == 200
    assert {c["code"] for c in response.json()} == {row[0] for row in CATALOGUE}


def _post(client, case, **fields):
    payload = {"case": case.pk, "condition": "ankle_sprain", "laterality": "left", **fields}
    return client.post(URL, payload, format="json")


def test_it_records_a_provisional_diagnosis_by_catalogue_code(dan, case, api_as):
    response = _post(api_as(dan), case, notes="Grade II, ATFL.")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "provisional"
    assert body["condition"] == "ankle_sprain" and body["icd10"] == "S93.4"
    diagnosis = Diagnosis.objects.get(pk=body["id"])
    assert diagnosis.diagnosed_by == dan and diagnosis.diagnosed_at is not None
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_it_moves_the_case_to_diagnosed_on_the_first_confirmed_diagnosis(dan, case, api_as):
    diagnosis = diagnosis_create(
        case=case,
        condition=Condition.objects.get(code="ankle_sprain"),
        laterality="left",
        diagnosed_by=dan,
    )

    response = api_as(dan).post(f"{URL}{diagnosis.pk}/confirm/")

    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    diagnosis.refresh_from_db()
    assert diagnosis.confirmed_by == dan and diagnosis.confirmed_at is not None
    case.refresh_from_db()
    assert case.status == CaseStatus.DIAGNOSED


def test_it_moves_the_case_when_a_diagnosis_is_recorded_as_confirmed(dan, case, api_as):
    response = _post(api_as(dan), case, status="confirmed")

    assert response.status_code == 201
    assert response.json()["confirmed_by"] == dan.pk
    case.refresh_from_db()
    assert case.status == CaseStatus.DIAGNOSED


def test_it_confirms_through_a_status_patch_too(dan, case, api_as):
    diagnosis_id = _post(api_as(dan), case).json()["id"]

    response = patch_with_etag(
        api_as(dan), f"{URL}{diagnosis_id}/", {"status": "confirmed"}, format="json"
    )

    assert response.status_code == 200
    assert Diagnosis.objects.get(pk=diagnosis_id).status == "confirmed"


def test_it_refutes_a_provisional_diagnosis_without_moving_the_case(dan, case, api_as):
    diagnosis_id = _post(api_as(dan), case).json()["id"]

    response = api_as(dan).post(f"{URL}{diagnosis_id}/refute/")

    assert response.status_code == 200
    diagnosis = Diagnosis.objects.get(pk=diagnosis_id)
    assert diagnosis.status == "refuted" and diagnosis.refuted_by == dan
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


@pytest.mark.parametrize("start", ["confirmed", "refuted"])
@pytest.mark.parametrize("step", ["confirm", "refute"])
def test_it_refuses_any_change_from_a_settled_status(dan, case, api_as, start, step):
    client = api_as(dan)
    diagnosis_id = _post(client, case).json()["id"]
    client.post(f"{URL}{diagnosis_id}/{start[:-2] if start == 'confirmed' else 'refute'}/")
    before = Diagnosis.objects.get(pk=diagnosis_id)
    assert before.status == start

    response = client.post(f"{URL}{diagnosis_id}/{step}/")
    patched = patch_with_etag(
        client, f"{URL}{diagnosis_id}/", {"status": "provisional"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["status"] == start
    assert patched.status_code == 409, patched.json()
    after = Diagnosis.objects.get(pk=diagnosis_id)
    assert (after.status, after.confirmed_at, after.refuted_at) == (
        before.status,
        before.confirmed_at,
        before.refuted_at,
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"condition": "broken_heart"}, "condition"),
        ({"laterality": "up"}, "laterality"),
        ({"status": "refuted"}, "status"),
        ({"status": "maybe"}, "status"),
    ],
)
def test_it_refuses_a_bad_diagnosis_field_by_field(dan, case, api_as, fields, field):
    response = _post(api_as(dan), case, **fields)

    assert response.status_code == 400
    assert field in response.json()
    assert not Diagnosis.objects.exists()


@pytest.mark.parametrize("persona", ["rita", "paula", "oscar"])
def test_it_lets_only_doctors_diagnose(persona, case, api_as, request):
    response = _post(api_as(request.getfixturevalue(persona)), case)

    assert response.status_code == 403
    assert not Diagnosis.objects.exists()


def test_it_shows_diagnoses_to_the_assigned_physio_and_hides_them_from_others(
    dan, paula, oscar, rita, case, api_as
):
    diagnosis_id = _post(api_as(dan), case, notes="Clinical note").json()["id"]

    assert api_as(paula).get(f"{URL}{diagnosis_id}/").json()["notes"] == "Clinical note"
    assert api_as(paula).post(f"{URL}{diagnosis_id}/confirm/").status_code == 403
    assert api_as(oscar).get(f"{URL}{diagnosis_id}/").status_code == 404
    assert api_as(oscar).post(f"{URL}{diagnosis_id}/confirm/").status_code == 404
    assert api_as(rita).get(URL).status_code == 403
    assert api_as(rita).get(f"{URL}{diagnosis_id}/").status_code == 403
    assert Diagnosis.objects.get(pk=diagnosis_id).status == "provisional"


def test_it_filters_diagnoses_by_status_and_condition(dan, case, api_as):
    client = api_as(dan)
    sprain = _post(client, case).json()["id"]
    _post(client, case, condition="ankle_fracture", status="confirmed")

    listed = client.get(URL, {"status": "provisional", "condition": "ankle_sprain"}).json()

    assert [d["id"] for d in listed["results"]] == [sprain]


def test_it_keeps_the_diagnosis_list_to_a_constant_number_of_queries(
    dan, api_as, django_assert_max_num_queries
):
    client = api_as(dan)
    sprain = Condition.objects.get(code="ankle_sprain")
    diagnosis_create(case=CaseFactory(), condition=sprain, laterality="left", diagnosed_by=dan)
    with django_assert_max_num_queries(5):
        client.get(URL)
    for _ in range(29):
        diagnosis_create(case=CaseFactory(), condition=sprain, laterality="left", diagnosed_by=dan)
    with django_assert_max_num_queries(5):
        assert len(client.get(URL).json()["results"]) == 30
