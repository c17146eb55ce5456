"""GET /api/v1/cases/{id}/timeline/ and the clinic.timeline registry."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from clinic.timeline import TimelineEntry, case_timeline, register_source, sources
from tests.factories import CaseFactory, examination_for, referral_for
from triage.models import Condition, Intake
from triage.services.diagnoses import diagnosis_create, diagnosis_set_status


def _url(case) -> str:
    return f"/api/v1/cases/{case.pk}/timeline/"


def _intake(case, rita, at):
    return Intake.objects.create(
        case=case,
        recorded_by=rita,
        recorded_at=at,
        onset="trauma",
        mechanism="twist",
        swelling="moderate",
        hematoma=False,
        mobility="difficult",
        weight_bearing="difficult",
        pain_location="lateral",
        side="left",
        pain_at_rest=3,
        pain_after_running=6,
        pain_duration_days=1,
        still_running=False,
        weekly_distance_km=30,
        recent_training_change=False,
        recent_shoe_change=False,
        known_flat_feet=False,
        previous_sprains=0,
        calf_pain_or_swelling=False,
        fever_or_hot_red_joint=False,
        numbness_or_cold_foot=False,
        night_pain=False,
        focal_bone_pain=False,
        pathway="trauma",
        urgency="soon",
        stop_running=True,
        suspected_conditions=["ankle_sprain"],
        rationale=["A trauma without warning signs: a doctor should see the ankle this week."],
    )


@pytest.fixture
def story(case, rita, dan):
    """Emma's case, day by day: intake, exam, diagnosis, X-ray to review."""
    start = timezone.now() - datetime.timedelta(days=10)
    _intake(case, rita, start)
    with time_machine.travel(start + datetime.timedelta(hours=2), tick=False):
        exam = examination_for(
            case, dan, malleolar_zone_pain=True, lateral_malleolus_tenderness=True
        )
    with time_machine.travel(start + datetime.timedelta(hours=3), tick=False):
        diagnosis = diagnosis_create(
            case=case,
            condition=Condition.objects.get(code="ankle_sprain"),
            laterality="left",
            diagnosed_by=dan,
            notes="Clinical note: grade II.",
        )
    with time_machine.travel(start + datetime.timedelta(hours=4), tick=False):
        referral_for(case, dan, examination=exam, status="scheduled")
    with time_machine.travel(start + datetime.timedelta(days=1), tick=False):
        diagnosis_set_status(diagnosis=diagnosis, status="confirmed", by=dan)
    return case


def test_it_tells_the_case_story_in_order(dan, story, api_as):
    response = api_as(dan).get(_url(story))

    assert response.status_code == 200
    kinds = [e["kind"] for e in response.json()]
    assert kinds == [
        "intake.recorded",
        "examination.recorded",
        "diagnosis.recorded",
        "referral.requested",
        "referral.scheduled",
        "diagnosis.confirmed",
    ]
    times = [e["at"] for e in response.json()]
    assert times == sorted(times)
    exam_entry = response.json()[1]
    assert "ankle X-ray" in exam_entry["title"]
    assert exam_entry["object_type"] == "triage.examination" and exam_entry["clinical"] is True


def test_it_shows_reception_only_the_non_clinical_entries(rita, story, api_as):
    response = api_as(rita).get(_url(story))

    assert response.status_code == 200
    assert [e["kind"] for e in response.json()] == ["intake.recorded"]
    assert "Clinical note" not in response.content.decode()


def test_it_shows_the_assigned_physio_everything_and_an_outsider_nothing(
    paula, oscar, story, api_as
):
    assert len(api_as(paula).get(_url(story)).json()) == 6
    assert api_as(oscar).get(_url(story)).status_code == 404


def test_it_takes_sources_from_other_apps_through_the_registry(dan, case):
    marker = timezone.now()

    @register_source
    def follow_up(case_, user):
        yield TimelineEntry(at=marker, kind="test.note", title="Called the patient", clinical=False)

    try:
        entries = case_timeline(case, dan)
    finally:
        sources()  # discovery done; now remove the test's source
        from clinic import timeline

        timeline._SOURCES.remove(follow_up)

    assert [e.kind for e in entries] == ["test.note"]


def test_it_keeps_the_timeline_to_a_constant_number_of_queries(
    dan, rita, api_as, django_assert_max_num_queries
):
    few = CaseFactory()
    referral_for(few, dan, status="reviewed")
    many = CaseFactory()
    _intake(many, rita, timezone.now())
    sprain = Condition.objects.get(code="ankle_sprain")
    for _ in range(10):
        exam = examination_for(
            many, dan, malleolar_zone_pain=True, medial_malleolus_tenderness=True
        )
        referral_for(many, dan, examination=exam, status="reviewed")
        diagnosis_create(case=many, condition=sprain, laterality="left", diagnosed_by=dan)
    client = api_as(dan)

    client.get(_url(few))  # warm the per-user role cache

    # 9 for the core and triage sources (one per source: consultations is the ninth), 4 for
    # rehab's (plan, sessions, outcomes, discharge).
    with django_assert_max_num_queries(13):
        client.get(_url(few))
    with django_assert_max_num_queries(13):
        assert len(client.get(_url(many)).json()) == 1 + 10 + 10 * 5 + 10
