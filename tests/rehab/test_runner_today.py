"""What the runner's phone pages read and write: rehab's selectors and services, no view."""

from __future__ import annotations

import datetime

from rehab.models import ExerciseLog, Run
from rehab.selectors import runner_today
from rehab.services.programmes import exercise_log_record
from rehab.services.runs import run_log
from tests.factories import programme_for, run_plan_for

TODAY = datetime.date.today


def test_the_runner_ticks_todays_exercises_without_a_staff_user(case, paula):
    programme = programme_for(case, paula)
    first = programme.items.first()

    exercise_log_record(
        programme=programme, by=None, date=TODAY(), completed=[first.pk], pain=1, source="patient"
    )

    log = ExerciseLog.objects.get()
    assert (log.source, log.logged_by) == ("patient", None)
    today = runner_today(case)
    assert [item.pk for item in today["items"]] == [i.pk for i in programme.items.all()]
    assert today["ticked"] == {first.pk}
    assert today["adherence"] == 50  # 1 of 2 item-days today


def test_the_runner_logs_a_run_and_reads_the_next_stage(case, paula):
    run_plan_for(case, paula)

    run = run_log(
        case=case,
        by=None,
        date=TODAY(),
        minutes=30,
        pain_during=2,
        pain_after=2,
        source="patient",
    )

    assert (run.source, run.logged_by, run.decision) == ("patient", None, "stay")
    today = runner_today(case)
    assert today["stage_words"] == "run 1 min, walk 4 min, 6 times"
    assert today["advice"] == "Next time, repeat stage 1: run 1 min, walk 4 min, 6 times."
    assert Run.objects.count() == 1


def test_a_runner_with_nothing_prescribed_reads_an_empty_day(case):
    today = runner_today(case)

    assert (today["programme"], today["items"], today["run_plan"], today["advice"]) == (
        None,
        [],
        None,
        "",
    )
