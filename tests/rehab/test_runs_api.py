"""run-plans/ and runs/: the walk-run plan, each run decided by the pain-monitoring model."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from clinic.models import Case
from rehab.models import Run, RunPlan, WalkRunTemplate
from reminders.models import Reminder
from tests.conftest import patch_with_etag
from tests.factories import run_for, run_plan_for

PLANS = "/api/v1/run-plans/"
RUNS = "/api/v1/runs/"


def day(days_ago: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days_ago)


@pytest.fixture
def case(case):
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - datetime.timedelta(days=30))
    case.refresh_from_db()
    return case


@pytest.fixture
def plan(case, paula):
    return run_plan_for(case, paula, started_on=day(20), stage=2)


def run_body(case, **overrides):
    return {
        "case": case.pk,
        "date": day(0).isoformat(),
        "minutes": 30,
        "distance_km": 4.2,
        "pain_during": 2,
        "pain_after": 3,
        **overrides,
    }


def test_the_clinic_has_a_seeded_walk_run_progression(db):
    template = WalkRunTemplate.objects.get()
    stages = list(template.stages.all())
    assert len(stages) == 8
    assert stages[0].words() == "run 1 min, walk 4 min, 6 times"
    assert stages[-1].words() == "run 30 min"


def test_the_physio_starts_the_plan_with_shoes_and_cues(api_as, paula, case):
    template = WalkRunTemplate.objects.get()

    response = api_as(paula).post(
        PLANS,
        {
            "case": case.pk,
            "template": template.pk,
            "shoe_model": "Trail 3",
            "shoe_km": 420,
            "shoe_change_on": day(100).isoformat(),
            "cadence_cue": "Aim for 170-175 steps a minute.",
            "technique_cues": "Land under your hips; short quick steps.",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    plan = RunPlan.objects.get()
    assert (plan.stage, plan.started_on, plan.started_by) == (1, day(0), paula)
    assert (plan.shoe_model, plan.shoe_km) == ("Trail 3", 420)
    assert response.json()["stage_words"] == "run 1 min, walk 4 min, 6 times"


def test_it_refuses_a_second_plan(api_as, paula, case, plan):
    response = api_as(paula).post(
        PLANS, {"case": case.pk, "template": plan.template_id}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "run_plan_exists"


def test_a_plan_change_needs_the_etag_it_was_made_from(api_as, paula, case, plan):
    url = f"{PLANS}{plan.pk}/"
    client = api_as(paula)

    without = client.patch(url, {"shoe_km": 500})
    first = patch_with_etag(client, url, {"shoe_km": 500})

    assert without.status_code == 428
    assert without.json()["code"] == "precondition_required"
    assert first.status_code == 200, first.json()
    plan.refresh_from_db()
    assert plan.shoe_km == 500


def test_a_run_logged_since_the_read_makes_a_stage_change_stale(api_as, paula, case, plan):
    url = f"{PLANS}{plan.pk}/"
    client = api_as(paula)
    stale = client.get(url)["ETag"]
    # The runner logs a painful run in between: the plan steps back to stage 1.
    run_for(case, paula, during=7)

    response = client.patch(url, {"stage": 4}, HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert response.json()["code"] == "precondition_failed"
    plan.refresh_from_db()
    assert plan.stage == 1


def test_it_refuses_a_run_before_the_plan_is_started(api_as, paula, case):
    response = api_as(paula).post(RUNS, run_body(case), format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "no_run_plan"
    assert not Run.objects.exists()


def test_a_first_run_stays_and_asks_the_next_morning(api_as, paula, case, plan):
    response = api_as(paula).post(RUNS, run_body(case), format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["decision"], data["stage"], data["next_stage"]) == ("stay", 2, 2)
    assert data["advice"] == "Next time, repeat stage 2: run 2 min, walk 3 min, 6 times."
    run = Run.objects.get()
    assert (run.logged_by, run.source) == (paula, "clinic")
    reminder = Reminder.objects.get(kind="run_next_morning")
    assert reminder.subject_id == run.pk
    assert timezone.localtime(reminder.due_at).date() == day(-1)


def test_a_second_quiet_run_progresses_once_the_morning_is_in(api_as, paula, case, plan):
    run_for(case, paula, date=day(2), next_morning=3)
    client = api_as(paula)
    run_id = client.post(RUNS, run_body(case), format="json").json()["id"]

    response = client.post(f"{RUNS}{run_id}/next-morning/", {"pain_next_morning": 3})

    assert response.status_code == 200, response.json()
    assert (response.json()["decision"], response.json()["next_stage"]) == ("progress", 3)
    plan.refresh_from_db()
    assert plan.stage == 3
    assert Reminder.objects.get(kind="run_next_morning", subject_id=run_id).status == "cancelled"


def test_a_pain_above_5_steps_back_and_raises_a_high_pain_alert(api_as, paula, case, plan):
    from rehab.models import Alert

    response = api_as(paula).post(RUNS, run_body(case, pain_after=6), format="json")

    assert response.status_code == 201
    assert (response.json()["decision"], response.json()["next_stage"]) == ("step_back", 1)
    plan.refresh_from_db()
    assert plan.stage == 1
    alert = Alert.objects.get(case=case)
    assert (alert.kind, alert.cause) == ("high_pain", f"run:{response.json()['id']}")
    assert "6/10 after" in alert.detail
    assert Reminder.objects.filter(kind="care_alert", case=case).count() == 1


def test_a_run_within_the_pain_limit_raises_no_alert(api_as, paula, case, plan):
    from rehab.models import Alert

    response = api_as(paula).post(RUNS, run_body(case, pain_after=5), format="json")

    assert response.status_code == 201
    assert not Alert.objects.filter(case=case).exists()


def test_it_refuses_a_pain_out_of_range_and_a_run_to_come(api_as, paula, case, plan):
    client = api_as(paula)
    pain = client.post(RUNS, run_body(case, pain_during=11), format="json")
    future = client.post(RUNS, run_body(case, date=day(-1).isoformat()), format="json")

    assert pain.status_code == 400
    assert list(pain.json()) == ["pain_during"]
    assert future.status_code == 400
    assert list(future.json()) == ["date"]
    assert not Run.objects.exists()


def test_the_physio_overrides_a_decision_with_a_reason(api_as, paula, case, plan):
    run = run_for(case, paula, during=6)
    client = api_as(paula)

    no_reason = client.post(f"{RUNS}{run.pk}/override/", {"decision": "stay", "reason": ""})
    response = client.post(
        f"{RUNS}{run.pk}/override/", {"decision": "stay", "reason": "Pain was a blister."}
    )

    assert no_reason.status_code == 400
    assert response.status_code == 200
    run.refresh_from_db()
    assert (run.decision, run.override_decision, run.overridden_by) == ("step_back", "stay", paula)
    plan.refresh_from_db()
    assert plan.stage == 2


def test_a_doctor_reads_the_log_but_does_not_override(api_as, dan, paula, case, plan):
    run = run_for(case, paula)

    assert api_as(dan).get(f"{RUNS}?case={case.pk}").json()["results"][0]["id"] == run.pk
    response = api_as(dan).post(f"{RUNS}{run.pk}/override/", {"decision": "stay", "reason": "x"})
    assert response.status_code == 403


def test_an_outsider_neither_logs_nor_reads_a_run(api_as, oscar, paula, case, plan):
    run = run_for(case, paula)

    assert api_as(oscar).post(RUNS, run_body(case), format="json").status_code == 404
    assert api_as(oscar).get(f"{RUNS}{run.pk}/").status_code == 404
    assert Run.objects.count() == 1


def test_it_honours_an_idempotency_key(api_as, paula, case, plan):
    client = api_as(paula)
    first = client.post(RUNS, run_body(case), format="json", HTTP_IDEMPOTENCY_KEY="run-1")
    again = client.post(RUNS, run_body(case), format="json", HTTP_IDEMPOTENCY_KEY="run-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"]
    assert Run.objects.count() == 1


def test_a_late_next_morning_score_does_not_re_decide_a_later_run(api_as, paula, case, plan):
    earlier = run_for(case, paula, date=day(3), next_morning=None)
    # The next run was decided without the earlier one's morning: nothing to compare, stay.
    later = run_for(case, paula, date=day(1), next_morning=2)
    assert (later.decision, later.next_stage) == ("stay", 2)

    response = api_as(paula).post(f"{RUNS}{earlier.pk}/next-morning/", {"pain_next_morning": 2})

    assert response.status_code == 200, response.json()
    later.refresh_from_db()
    assert (later.decision, later.next_stage) == ("stay", 2)
    plan.refresh_from_db()
    assert plan.stage == 2


def test_a_late_painful_morning_alerts_but_leaves_the_later_run_and_the_stage(
    api_as, paula, case, plan
):
    from rehab.models import Alert

    earlier = run_for(case, paula, date=day(3), next_morning=None)
    later = run_for(case, paula, date=day(1), next_morning=2)

    response = api_as(paula).post(f"{RUNS}{earlier.pk}/next-morning/", {"pain_next_morning": 7})

    assert response.status_code == 200, response.json()
    assert response.json()["decision"] == "step_back"
    later.refresh_from_db()
    assert later.decision == "stay"
    plan.refresh_from_db()
    assert plan.stage == 2
    assert Alert.objects.get(case=case, kind="high_pain").cause == f"run:{earlier.pk}"
