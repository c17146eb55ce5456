"""The physio's pages for the runner between visits: programme, print, diary, runs, override."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from clinic.models import AuditEvent, Case
from rehab.models import Exercise, ExerciseLog, ExerciseProgramme, Run, RunPlan, WalkRunTemplate
from rehab.services.programmes import exercise_log_record
from tests.factories import programme_for, run_for, run_plan_for

TODAY = datetime.date.today


@pytest.fixture
def case(case):
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - datetime.timedelta(days=30))
    case.refresh_from_db()
    return case


def management(total: int, initial: int = 0) -> dict:
    return {
        "items-TOTAL_FORMS": str(total),
        "items-INITIAL_FORMS": str(initial),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }


def test_the_physio_prescribes_a_programme_on_the_page(client, paula, case):
    client.force_login(paula)
    calf = Exercise.objects.get(code="heel_raise_single")

    response = client.post(
        f"/rehab/cases/{case.pk}/programme/",
        {
            "starts_on": TODAY().isoformat(),
            **management(3),
            "items-0-exercise": calf.pk,
            "items-0-sets": "3",
            "items-0-reps": "15",
            "items-0-per_week": "7",
            "items-1-exercise": "",
            "items-2-exercise": "",
        },
    )

    assert response.status_code == 302
    programme = ExerciseProgramme.objects.get()
    assert [(i.exercise, i.sets, i.reps) for i in programme.items.all()] == [(calf, 3, 15)]


def test_it_puts_a_missing_dose_beside_its_field(client, paula, case):
    client.force_login(paula)
    calf = Exercise.objects.get(code="heel_raise_single")

    response = client.post(
        f"/rehab/cases/{case.pk}/programme/",
        {"starts_on": TODAY().isoformat(), **management(1), "items-0-exercise": calf.pk},
    )

    assert response.status_code == 200
    assert "Give the sets." in response.content.decode()
    assert not ExerciseProgramme.objects.exists()


def test_the_case_page_shows_adherence_and_the_run_log(client, paula, case):
    programme = programme_for(case, paula, starts_on=TODAY() - datetime.timedelta(days=6))
    exercise_log_record(
        programme=programme, by=paula, date=TODAY(), completed=[programme.items.first().pk]
    )
    run_plan_for(case, paula, started_on=TODAY() - datetime.timedelta(days=3))
    run_for(case, paula, date=TODAY() - datetime.timedelta(days=1), during=7)
    client.force_login(paula)

    content = client.get(f"/rehab/cases/{case.pk}/").content.decode()

    assert "Adherence: 7%" in content  # 1 of 14 item-days
    assert 'id="chart-adherence"' in content and 'id="chart-runs"' in content
    assert "Step back a stage" in content
    assert AuditEvent.objects.filter(object_type="rehab.run", action="view").exists()


def test_the_caseload_shows_adherence_and_the_last_decision(client, paula, case):
    programme_for(case, paula)
    run_plan_for(case, paula)
    run_for(case, paula)
    client.force_login(paula)

    content = client.get("/rehab/caseload/").content.decode()

    assert "<strong>0%</strong>" in content
    assert "Stay at this stage" in content


def test_it_prints_the_programme_on_one_page(client, paula, case):
    programme_for(case, paula)
    run_plan_for(case, paula, cadence_cue="Aim for 170 steps a minute.")
    client.force_login(paula)

    response = client.get(f"/rehab/cases/{case.pk}/programme/print/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Your home exercises" in content
    assert "Aim for 170 steps a minute." in content
    assert "stage 1 — run 1 min, walk 4 min, 6 times" in content


def test_the_physio_logs_a_paper_diary_day(client, paula, case):
    programme = programme_for(case, paula)
    first = programme.items.first()
    client.force_login(paula)

    response = client.post(
        f"/rehab/cases/{case.pk}/exercise-logs/new/",
        {"date": TODAY().isoformat(), "completed": [str(first.pk)], "pain": "2"},
    )

    assert response.status_code == 302
    log = ExerciseLog.objects.get()
    assert (list(log.completed.all()), log.pain) == ([first], 2)


def test_the_physio_starts_the_plan_and_logs_a_run(client, paula, case):
    client.force_login(paula)
    template = WalkRunTemplate.objects.get()

    started = client.post(
        f"/rehab/cases/{case.pk}/run-plan/",
        {"template": template.pk, "stage": "1", "shoe_model": "Road 5", "shoe_km": "350"},
    )
    logged = client.post(
        f"/rehab/cases/{case.pk}/runs/new/",
        {"date": TODAY().isoformat(), "minutes": "30", "pain_during": "6", "pain_after": "2"},
    )

    assert (started.status_code, logged.status_code) == (302, 302)
    assert RunPlan.objects.get().shoe_model == "Road 5"
    assert Run.objects.get().decision == "step_back"


def test_the_physio_overrides_a_run_on_the_page(client, paula, case):
    run_plan_for(case, paula)
    run = run_for(case, paula)
    client.force_login(paula)

    missing = client.post(f"/rehab/runs/{run.pk}/override/", {"decision": "progress"})
    response = client.post(
        f"/rehab/runs/{run.pk}/override/",
        {"decision": "progress", "reason": "Ran without pain all week."},
    )

    assert missing.status_code == 200
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.decision, run.override_decision) == ("stay", "progress")
