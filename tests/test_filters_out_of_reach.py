"""A list filter on a related id answers an id out of reach exactly like one that does not exist.

Every filter on a related record, on every list the API router registers, is tried as Oscar,
the outsider physio, with the id of a real record of Paula's world (a case, its patient, the
exam, Dan the doctor, Paula herself) and with an id no record has: the status and the body
must be the same, so a filter never tells an outsider that a record exists. A new list or a
new related filter is covered without a new line here.
"""

from __future__ import annotations

import pytest
from django.db import models

from clinic.filters import IdFilter
from clinic.urls import router
from tests.factories import (
    CaseFactory,
    examination_for,
    intake_for,
    outcome_for,
    plan_for,
    programme_for,
    referral_for,
    run_for,
    run_plan_for,
    session_for,
)


def _related_filters() -> list[tuple[str, str, type[models.Model]]]:
    """(router prefix, filter name, the model its id names) for every related-id filter."""
    found = []
    for prefix, viewset, _basename in router.registry:
        filterset_class = getattr(viewset, "filterset_class", None)
        if isinstance(filterset_class, property):  # chosen per role: the clinical roles' one
            filterset_class = filterset_class.fget(viewset())
        if filterset_class is None:
            continue
        model = filterset_class._meta.model
        for name, filter_ in filterset_class.base_filters.items():
            path = filter_.field_name.removesuffix("_id").split("__")
            field = None
            current = model
            for part in path:
                field = current._meta.get_field(part)
                current = field.related_model or current
            if field is not None and field.is_relation:
                assert isinstance(filter_, IdFilter), (
                    f"{prefix}?{name}= must be an IdFilter (clinic.filters): a choice among all "
                    "records answers an outsider's id and a missing one differently."
                )
                found.append((prefix, name, field.related_model))
    return found


FILTERS = _related_filters()


def test_it_finds_the_related_filters_of_every_list():
    names = {(prefix, name) for prefix, name, _model in FILTERS}
    assert {
        ("cases", "patient"),
        ("cases", "assigned_physio"),
        ("examinations", "case"),
        ("examinations", "examined_by"),
        ("imaging-referrals", "examination"),
        ("imaging-referrals", "requested_by"),
        ("sessions", "physio"),
        ("intakes", "patient"),
        ("reminders", "case"),
    } <= names


@pytest.fixture
def world(rita, dan, paula, catalogue, exercise_library):
    """Paula's case with one record of every kind: all out of Oscar's reach."""
    from diary.models import Room
    from reminders.services.events import reminders_for_session_scheduled
    from triage.models import Condition
    from triage.services.diagnoses import diagnosis_create

    Room.objects.create(name="Treatment room 1")
    case = CaseFactory(assigned_physio=paula)
    intake_for(case, rita)
    exam = examination_for(case, dan)
    referral_for(case, dan, examination=exam, override_reason="Persistent pain.")
    plan_for(case, paula)
    programme_for(case, paula)
    run_plan_for(case, paula)
    run_for(case, paula)
    session = session_for(case, paula)
    outcome_for(case, paula)
    diagnosis_create(
        case=case,
        condition=Condition.objects.get(code="ankle_sprain"),
        laterality="left",
        diagnosed_by=dan,
    )
    from django.utils import timezone

    reminders_for_session_scheduled(
        case=case, session_id=session.pk, scheduled_at=timezone.now() + timezone.timedelta(days=3)
    )
    return case


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "name", "model"), FILTERS, ids=[f"{p}?{n}" for p, n, _m in FILTERS]
)
def test_an_id_out_of_reach_answers_like_one_that_does_not_exist(
    prefix, name, model, world, oscar, api_as
):
    real = model.objects.order_by("pk").last()
    assert real is not None, f"the world has no {model.__name__} for {prefix}?{name}="
    missing = model.objects.order_by("pk").last().pk + 10_000
    client = api_as(oscar)

    out_of_reach = client.get(f"/api/v1/{prefix}/", {name: real.pk})
    nowhere = client.get(f"/api/v1/{prefix}/", {name: missing})

    assert out_of_reach.status_code == nowhere.status_code
    assert out_of_reach.json() == nowhere.json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "name", "model"), FILTERS, ids=[f"{p}?{n}" for p, n, _m in FILTERS]
)
def test_an_id_past_the_database_range_is_a_400_naming_the_filter(
    prefix, name, model, world, dan, oscar, api_as
):
    response = api_as(oscar).get(f"/api/v1/{prefix}/", {name: 2**63})

    if response.status_code == 403:  # a list Oscar's role may not read at all
        assert response.json()["code"] == "permission_denied"
        return
    assert response.status_code == 400
    assert list(response.json()) == [name]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", str(2**63), "-1", "99999"])
def test_the_referral_page_answers_a_bad_or_unknown_exam_with_a_404(value, dan, client):
    case = CaseFactory()
    client.force_login(dan)

    response = client.get(f"/cases/{case.pk}/imaging/new/", {"examination": value})

    assert response.status_code == 404


@pytest.mark.django_db
def test_the_referral_page_opens_from_an_exam_of_the_case(dan, client):
    case = CaseFactory()
    exam = examination_for(case, dan)
    client.force_login(dan)

    response = client.get(f"/cases/{case.pk}/imaging/new/", {"examination": exam.pk})

    assert response.status_code == 200
