"""At phone size: the physio prescribes home exercises, enters a paper diary's day and a run,
and the caseload shows the adherence and the run's decision."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from clinic.models import Case
from rehab.models import ExerciseLog, Run
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def test_the_physio_prescribes_logs_and_sees_the_caseload_at_phone_size(
    phone, case, exercise_library
):
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - datetime.timedelta(days=7))
    page = phone
    log_in(page, "paula")
    page.get_by_role("link", name="MARTIN, Emma").click()

    page.get_by_role("link", name="Prescribe exercises").click()
    first = page.get_by_role("group", name="Exercise 1")
    first.get_by_label("Exercise").select_option(label="Heel raises, one leg")
    first.get_by_label("Sets").fill("3")
    first.get_by_label("Reps").fill("15")
    first.get_by_label("Days a week").fill("7")
    page.get_by_role("button", name="Save the programme").click()
    page.get_by_text("Home exercise programme prescribed.").wait_for()

    page.get_by_role("link", name="Log a day from the diary").click()
    page.get_by_label("Heel raises, one leg").check()
    page.get_by_label("Pain during the exercises").fill("2")
    page.get_by_role("button", name="Save the day").click()
    page.get_by_text("Exercise day logged.").wait_for()

    page.get_by_role("link", name="Start the walk-run plan").click()
    page.get_by_role("button", name="Save the plan").click()
    page.get_by_text("Return-to-run plan started.").wait_for()
    page.get_by_role("link", name="Log a run").click()
    page.get_by_label("Minutes").fill("30")
    page.get_by_label("Pain during the run").fill("6")
    page.get_by_label("Pain after the run").fill("3")
    page.get_by_role("button", name="Save the run").click()
    page.get_by_text("Run logged: step back a stage.").wait_for()
    assert page.locator("#chart-runs svg").is_visible()

    page.get_by_role("link", name="Decide otherwise").click()
    page.get_by_label("Your decision").select_option("stay")
    page.get_by_label("Reason").fill("The pain was a blister, not the tendon.")
    page.get_by_role("button", name="Save the decision").click()
    page.get_by_text("Decision changed.").wait_for()
    page.get_by_role("link", name="Print the programme").click()
    page.get_by_role("heading", name="Your home exercises — Emma Martin").wait_for()

    page.goto("/rehab/caseload/")
    row = page.get_by_role("row", name="MARTIN, Emma")
    assert "100%" in row.text_content()
    assert "Stay at this stage" in row.text_content()
    assert ExerciseLog.objects.get().pain == 2
    run = Run.objects.get()
    assert (run.decision, run.override_decision) == ("step_back", "stay")
