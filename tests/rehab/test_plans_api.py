"""/api/v1/treatment-plans/: the assigned physio writes; the plan's start puts the case in rehab."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from clinic.errors import Invalid
from clinic.models import AuditEvent, Case
from rehab.models import TreatmentPlan
from rehab.services.plans import plan_create, plan_update
from tests.conftest import patch_with_etag
from tests.factories import CaseFactory

URL = "/api/v1/treatment-plans/"


def plan_body(case, **overrides):
    body = {
        "case": case.pk,
        "goals": "Run 10 km without pain.",
        "planned_sessions": 8,
        "frequency": 2,
        "home_exercises": "Calf raises 3x15 daily.",
        "started_on": timezone.localdate().isoformat(),
    }
    body.update(overrides)
    return body


def test_it_writes_a_plan_and_moves_the_case_to_in_rehab(paula, api_as, case):
    Case.objects.filter(pk=case.pk).update(status="diagnosed")

    response = api_as(paula).post(URL, plan_body(case))

    assert response.status_code == 201, response.json()
    plan = TreatmentPlan.objects.get()
    assert (plan.case, plan.physio, plan.planned_sessions) == (case, paula, 8)
    case.refresh_from_db()
    assert case.status == "in_rehab"
    assert AuditEvent.objects.filter(action="create", object_type="rehab.treatmentplan").exists()


def test_it_waits_for_a_plan_starting_later(paula, api_as, case):
    later = timezone.localdate() + datetime.timedelta(days=7)

    response = api_as(paula).post(URL, plan_body(case, started_on=later.isoformat()))

    assert response.status_code == 201
    case.refresh_from_db()
    assert case.status == "open"


def test_it_refuses_a_plan_with_no_session(paula, api_as, case):
    response = api_as(paula).post(URL, plan_body(case, planned_sessions=0, frequency=0))

    assert response.status_code == 400
    assert set(response.json()) == {"planned_sessions", "frequency"}
    assert TreatmentPlan.objects.count() == 0


def test_it_refuses_a_second_plan_with_409(paula, api_as, case):
    api_as(paula).post(URL, plan_body(case))

    response = api_as(paula).post(URL, plan_body(case))

    assert response.status_code == 409
    assert TreatmentPlan.objects.count() == 1


def test_it_lets_the_physio_change_the_plan(paula, api_as, case):
    plan_id = api_as(paula).post(URL, plan_body(case)).json()["id"]

    response = patch_with_etag(api_as(paula), f"{URL}{plan_id}/", {"planned_sessions": 10})

    assert response.status_code == 200
    assert TreatmentPlan.objects.get().planned_sessions == 10


def test_it_answers_404_to_a_physio_not_assigned(oscar, paula, api_as, case):
    plan_id = api_as(paula).post(URL, plan_body(case)).json()["id"]

    assert api_as(oscar).post(URL, plan_body(case)).status_code == 404
    assert api_as(oscar).get(f"{URL}{plan_id}/").status_code == 404
    assert api_as(oscar).patch(f"{URL}{plan_id}/", {"goals": "x"}).status_code == 404


@pytest.mark.parametrize("persona", ["dan", "ada"])
def test_it_lets_doctors_and_admins_read_but_not_write(persona, request, paula, api_as, case):
    plan_id = api_as(paula).post(URL, plan_body(case)).json()["id"]
    reader = api_as(request.getfixturevalue(persona))

    assert reader.get(f"{URL}{plan_id}/").status_code == 200
    assert reader.patch(f"{URL}{plan_id}/", {"goals": "x"}).status_code == 403
    assert reader.post(URL, plan_body(CaseFactory())).status_code == 403


def test_it_keeps_plans_from_reception(rita, api_as, case):
    assert api_as(rita).get(URL).status_code == 403
    assert api_as(rita).post(URL, plan_body(case)).status_code == 403


def test_it_refuses_a_plan_on_a_discharged_case(paula, api_as, case):
    Case.objects.filter(pk=case.pk).update(status="discharged", discharged_at=timezone.now())

    response = api_as(paula).post(URL, plan_body(case))

    assert response.status_code == 409
    assert TreatmentPlan.objects.count() == 0


@pytest.mark.parametrize("rows", [1, 30])
def test_it_lists_plans_in_a_fixed_number_of_queries(
    rows, dan, paula, api_as, django_assert_max_num_queries
):
    for _ in range(rows):
        TreatmentPlan.objects.create(
            case=CaseFactory(assigned_physio=paula),
            physio=paula,
            goals="g",
            planned_sessions=4,
            frequency=1,
            started_on=timezone.localdate(),
        )
    client = api_as(dan)

    with django_assert_max_num_queries(6):
        response = client.get(URL, {"page_size": 50})

    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize(
    ("dose", "field"),
    [
        ({"planned_sessions": 0}, "planned_sessions"),
        ({"planned_sessions": 201}, "planned_sessions"),
        ({"frequency": 15}, "frequency"),
    ],
)
def test_the_plan_service_holds_the_forms_dose_bounds(paula, case, dose, field):
    with pytest.raises(Invalid) as refused:
        plan_create(
            case=case,
            by=paula,
            goals="Run.",
            started_on=timezone.localdate(),
            **{"planned_sessions": 8, "frequency": 2, **dose},
        )

    assert list(refused.value.errors) == [field]
    assert not TreatmentPlan.objects.exists()


def test_the_plan_service_refuses_a_change_past_the_bounds(paula, case):
    plan = plan_create(
        case=case,
        by=paula,
        goals="Run.",
        planned_sessions=8,
        frequency=2,
        started_on=timezone.localdate(),
    )

    with pytest.raises(Invalid) as refused:
        plan_update(plan=plan, by=paula, frequency=15)

    assert list(refused.value.errors) == ["frequency"]
    plan.refresh_from_db()
    assert plan.frequency == 2
