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

    # Token, role, the case with its intake, plan and discharge (joined), 4 more triage
    # sources (consultations the fourth), the practitioners' names, 2 for rehab (sessions,
    # outcomes), the audit INSERT.
    with django_assert_max_num_queries(11):
        client.get(_url(few))
    with django_assert_max_num_queries(11):
        assert len(client.get(_url(many)).json()) == 1 + 10 + 10 * 5 + 10


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/New_York"])
def test_it_writes_the_entries_exactly_as_the_declared_serializer_would(
    dan, story, api_as, settings, zone
):
    """The endpoint writes its JSON itself (timeline_json): the same as the serializer's."""
    from clinic.timeline_api import TimelineEntrySerializer

    settings.TIME_ZONE = zone
    body = api_as(dan).get(_url(story)).json()

    expected = TimelineEntrySerializer([e.as_dict() for e in case_timeline(story, dan)], many=True)
    assert body == expected.data
    assert body[0]["at"].endswith("Z") == (zone == "UTC")


def test_it_names_each_practitioner_by_full_name_else_username(case, rita, api_as):
    """Practitioners are read apart from the entries (no join): every title names its own."""
    from tests.factories import UserFactory

    house = UserFactory(username="house", first_name="Greg", last_name="House", role="doctor")
    locum = UserFactory(username="locum7", first_name="", last_name="", role="doctor")
    exam = examination_for(case, house, malleolar_zone_pain=True, lateral_malleolus_tenderness=True)
    referral_for(case, locum, examination=exam, status="reviewed")

    titles = {e["kind"]: e["title"] for e in api_as(house).get(_url(case)).json()}

    assert titles["examination.recorded"].startswith("Examined by Greg House — recommended: ")
    assert titles["referral.requested"] == "X-ray of the left ankle requested by locum7"
    assert titles["referral.reviewed"] == "X-ray of the left ankle: report reviewed by locum7"
    assert "\x00" not in "".join(titles.values())


def test_it_reads_any_number_of_practitioners_in_the_same_queries(
    case, api_as, django_assert_num_queries
):
    from tests.factories import UserFactory

    doctors = [UserFactory(username=f"doc{n}", role="doctor") for n in range(6)]
    client = api_as(doctors[0])
    referral_for(case, doctors[0], status="reviewed")
    client.get(_url(case))  # warm the per-user role cache
    # auth, role, the case with its intake, plan and discharge, 4 more triage sources, 2 rehab
    # (sessions, outcomes), the practitioners' names, the audit INSERT.
    with django_assert_num_queries(11):
        client.get(_url(case))
    for doctor in doctors[1:]:
        exam = examination_for(
            case, doctor, malleolar_zone_pain=True, lateral_malleolus_tenderness=True
        )
        referral_for(case, doctor, examination=exam, status="cancelled")
    with django_assert_num_queries(11):
        entries = client.get(_url(case)).json()

    cancelled = {e["title"] for e in entries if e["kind"] == "referral.cancelled"}
    assert cancelled == {
        f"X-ray of the left ankle cancelled by {d.get_full_name()}" for d in doctors[1:]
    }


def test_a_source_names_a_practitioner_by_id_and_nobody_as_someone(dan, case):
    from clinic import timeline

    @register_source
    def calls(case_, user):
        at = timezone.now()
        yield TimelineEntry(at=at, kind="test.a", title=f"Called by {timeline.BY}", by_id=dan.pk)
        yield TimelineEntry(at=at, kind="test.b", title=f"Called by {timeline.BY}", by_id=None)

    try:
        entries = case_timeline(case, dan)
    finally:
        sources()
        timeline._SOURCES.remove(calls)

    assert [e.title for e in entries] == [f"Called by {dan.get_full_name()}", "Called by someone"]
    assert "by_id" not in entries[0].as_dict()


def test_the_case_page_lists_the_timeline_escaped_in_the_clinics_time():
    from clinic.timeline import timeline_items

    at = datetime.datetime(2026, 11, 30, 23, 30, tzinfo=datetime.UTC)
    entries = [
        TimelineEntry(at=at, kind="referral.reported", title="X-ray <b>report</b>", detail="A & B"),
        TimelineEntry(at=at, kind="intake.recorded", title="Intake", clinical=False),
    ]

    with timezone.override("Europe/Paris"):
        html = str(timeline_items(entries))

    assert html == (
        '<li class="tl-referralreported"><time datetime="2026-12-01T00:30:00+01:00">'
        '1 Dec 2026, 00:30</time><p class="tl-title">X-ray &lt;b&gt;report&lt;/b&gt;</p>'
        '<p class="tl-detail">A &amp; B</p></li>\n'
        '<li class="tl-intakerecorded"><time datetime="2026-12-01T00:30:00+01:00">'
        '1 Dec 2026, 00:30</time><p class="tl-title">Intake</p></li>'
    )
    assert str(timeline_items([])) == '<li class="empty">Nothing recorded yet.</li>'
