"""At phone size (390 x 844): the runner opens their link, confirms the birth date, ticks
today's exercises with a pain score and logs a run; then the physio's caseload shows the
adherence and the run's decision."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from clinic.models import Case
from portal.services import portal_link_create
from portal.tokens import link_token
from rehab.models import Alert, ExerciseLog, Run
from tests.conftest import log_in
from tests.factories import programme_for, run_for, run_plan_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def shot(page, tmp_path, name: str) -> None:
    """Each screen of the flow, kept to be looked at (the fixture keeps the last one)."""
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_runner_ticks_the_day_and_logs_a_run_and_the_physio_sees_both(
    page, case, paula, rita, exercise_library, tmp_path
):
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - datetime.timedelta(days=7))
    case.refresh_from_db()
    programme = programme_for(case, paula, starts_on=timezone.localdate())
    first, second = programme.items.all()
    run_plan_for(
        case,
        paula,
        stage=2,
        cadence_cue="Aim for 170-175 steps a minute.",
        technique_cues="Land softly under your hips.",
        shoe_model="Trail 3",
        shoe_km=420,
    )
    link = portal_link_create(patient=case.patient, by=rita)
    page.set_viewport_size(PHONE)

    page.goto(f"/r/{link_token(link.pk)}/")
    page.get_by_label("Your date of birth").fill("1991-03-14")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Hello Emma").wait_for()
    assert page.get_by_text("Your next run: stage 2 — run 2 min, walk 3 min, 6 times.").is_visible()
    assert page.get_by_text("Aim for 170-175 steps a minute.").is_visible()
    assert fits_the_phone(page)
    shot(page, tmp_path, "1-home")

    page.get_by_role("link", name="Today's exercises").click()
    page.get_by_label(first.exercise.name).check()
    page.get_by_label(second.exercise.name).check()
    page.get_by_role("group", name="Your pain during the exercises").get_by_label(
        "2", exact=True
    ).check()
    assert fits_the_phone(page)
    shot(page, tmp_path, "2-exercises")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Saved — thank you!").wait_for()
    assert page.get_by_text(
        "Today you did 2 of 2 exercises, with a pain of 2 out of 10."
    ).is_visible()
    shot(page, tmp_path, "3-exercises-saved")

    page.get_by_role("link", name="Back to your page").click()
    page.get_by_role("link", name="Log a run").click()
    assert (
        page.get_by_label("The day of your run").input_value() == timezone.localdate().isoformat()
    )
    page.get_by_role("button", name="Save my run").click()  # nothing filled in yet
    page.get_by_role("heading", name="Please check 3 answers").wait_for()
    assert page.get_by_text("Enter how many minutes it took.").first.is_visible()
    shot(page, tmp_path, "4-run-errors")
    page.get_by_label("How long it took, in minutes").fill("30")
    page.get_by_label("Distance in kilometres (if you know it)").fill("4.5")
    page.get_by_role("group", name="Your pain during the run").get_by_label("3", exact=True).check()
    page.get_by_role("group", name="Your pain just after the run").get_by_label(
        "6", exact=True
    ).check()
    assert fits_the_phone(page)
    shot(page, tmp_path, "4-run")
    page.get_by_role("button", name="Save my run").click()
    page.get_by_text("Stop running for now and rest your ankle.").wait_for()
    assert page.get_by_text("Your physio has been told").is_visible()
    assert page.get_by_text("Next time: run 1 min, walk 4 min, 6 times (stage 1).").is_visible()
    assert fits_the_phone(page)
    shot(page, tmp_path, "5-run-decided")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="You are signed out").wait_for()

    log = ExerciseLog.objects.get()
    assert (log.pain, log.source, log.completed.count()) == (2, "patient", 2)
    run = Run.objects.get()
    assert (run.source, run.decision, run.next_stage) == ("patient", "step_back", 1)
    assert Alert.objects.get(case=case).kind == "high_pain"

    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "paula")
    page.goto("/rehab/caseload/")
    row = page.get_by_role("row", name="MARTIN, Emma")
    row.wait_for()
    assert "100%" in row.inner_text()
    assert "Step back a stage" in row.inner_text()
    assert page.get_by_text("ALERT — High pain").is_visible()


def test_the_runner_gives_the_next_mornings_pain_from_their_page(
    page, case, paula, rita, exercise_library, tmp_path
):
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - datetime.timedelta(days=7))
    case.refresh_from_db()
    today = timezone.localdate()
    run_plan_for(case, paula, stage=2, started_on=today - datetime.timedelta(days=5))
    run_for(case, paula, date=today - datetime.timedelta(days=3), next_morning=2)
    yesterday = run_for(case, paula, date=today - datetime.timedelta(days=1), next_morning=None)
    link = portal_link_create(patient=case.patient, by=rita)
    page.set_viewport_size(PHONE)

    page.goto(f"/r/{link_token(link.pk)}/")
    page.get_by_label("Your date of birth").fill("1991-03-14")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="How is your ankle this morning?").wait_for()
    shot(page, tmp_path, "1-home-morning")
    page.get_by_role("link", name="Give this morning's pain").click()
    page.get_by_role("group", name="Your pain this morning").get_by_label("1", exact=True).check()
    assert fits_the_phone(page)
    shot(page, tmp_path, "2-morning")
    page.get_by_role("button", name="Save").click()

    page.get_by_text("Progress to the next stage.").wait_for()
    assert page.get_by_text(
        "Well done: your pain stayed within the limits. Next time, move on to stage 3"
    ).is_visible()
    yesterday.refresh_from_db()
    assert (yesterday.pain_next_morning, yesterday.decision, yesterday.next_stage) == (
        1,
        "progress",
        3,
    )
