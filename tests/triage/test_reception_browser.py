"""A receptionist registers a runner, asks the questionnaire and reads the triage, in a browser."""

from __future__ import annotations

import pytest

from tests.conftest import log_in
from triage.models import Intake

pytestmark = pytest.mark.browser


def test_it_takes_a_receptionist_from_login_to_the_triage_result(page, rita, tmp_path):
    log_in(page, "rita")
    page.get_by_role("heading", name="Today's intakes").wait_for()

    page.get_by_role("link", name="Register a new patient").click()
    page.get_by_label("First name").fill("Emma")
    page.get_by_label("Last name").fill("Martin")
    page.get_by_label("Date of birth").fill("1991-03-14")
    page.get_by_label("Female").check()
    page.get_by_label("Email address").fill("emma@example.org")
    page.get_by_role("group", name="Reminders by").get_by_label("Email").check()
    page.get_by_label("The patient agrees to receive reminders").check()
    page.get_by_role("button", name="Register and start the intake").click()

    page.get_by_role("heading", name="Ankle pain questionnaire").wait_for()
    page.get_by_label("Trauma — a fall, a twist or a sudden change of direction").check()
    page.get_by_label("Twisted the ankle").check()
    page.get_by_role("group", name="Is the ankle swollen?").get_by_label("Severe").check()
    page.get_by_role("group", name="Is there bruising?").get_by_label("Yes").check()
    page.get_by_role("group", name="Can you move your ankle?").get_by_label("Difficult").check()
    page.get_by_role("group", name="Can you stand on the foot?").get_by_label("Impossible").check()
    page.get_by_label("Outside of the ankle").check()
    page.get_by_role("group", name="Which ankle?").get_by_label("Left").check()
    page.get_by_label("Pain at rest, from 0 to 10").fill("6")
    page.get_by_label("Pain after running, from 0 to 10").fill("8")
    page.get_by_label("How many days has it hurt?").fill("0")
    page.get_by_role("group", name="Are you still running?").get_by_label("No").check()
    page.get_by_label("How many kilometres do you run in a week?").fill("30")
    page.get_by_role("group", name="Have you changed your training recently?").get_by_label(
        "No"
    ).check()
    page.get_by_role("group", name="Have you changed your running shoes recently?").get_by_label(
        "No"
    ).check()
    page.get_by_role("group", name="Have you been told you have flat feet?").get_by_label(
        "No"
    ).check()
    page.get_by_label("How many times have you sprained this ankle before?").fill("1")
    for question, answer in (
        ("Is there pain or swelling in the calf (the back of the lower leg)?", "No"),
        ("Do you have a fever, or is the ankle hot and red?", "No"),
        ("Is the foot numb, tingling, cold or pale?", "Yes"),
        ("Does the pain wake you at night?", "No"),
        ("Does it hurt at one spot on a bone, when you press on it?", "No"),
    ):
        page.get_by_role("group", name=question).get_by_label(answer).check()
    page.get_by_role("button", name="Save and see the triage").click()

    page.get_by_role("heading", name="Triage result").wait_for()
    assert "URGENT — SEE A DOCTOR TODAY" in page.get_by_role("status").inner_text()
    assert page.get_by_text("Stop running", exact=True).is_visible()
    assert page.get_by_text("A doctor must see the patient today.", exact=True).is_visible()
    # The red flag, for staff, and what to tell the patient, in plain words.
    red_flags = page.get_by_role("region", name="RED FLAG — a doctor today")
    assert "numbness or a cold foot" in red_flags.inner_text()
    advice = page.locator(".patient-advice").inner_text()
    assert advice.startswith("You told us about a numb or cold foot.")
    assert "go to an urgent care centre or a hospital emergency department today" in advice
    page.screenshot(path=str(tmp_path / "triage_red_flag.png"), full_page=True)
    intake = Intake.objects.get()
    assert intake.urgency == "urgent"
    assert intake.red_flags == ["numbness_or_cold_foot"]
    assert intake.case.patient.family_name == "Martin"
