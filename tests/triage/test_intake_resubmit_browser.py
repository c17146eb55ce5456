"""Back and save again, in a browser: the intake is saved once and its first triage shown."""

from __future__ import annotations

import pytest

from tests.conftest import log_in
from triage.models import Intake
from triage.vocabulary import SAFETY_QUESTION_LABELS

pytestmark = pytest.mark.browser

SAVE = "Save and see the triage"
ALREADY_SAVED = "This form was already saved: here is what it recorded."


def answer_a_gradual_achilles_pain(page) -> None:
    page.get_by_label("Gradual — came on little by little, for no clear reason").check()
    page.get_by_role("group", name="Is the ankle swollen?").get_by_label("None").check()
    page.get_by_role("group", name="Is there bruising?").get_by_label("No").check()
    page.get_by_role("group", name="Can you move your ankle?").get_by_label("Normal").check()
    page.get_by_role("group", name="Can you stand on the foot?").get_by_label("Normal").check()
    page.get_by_label("Back of the ankle (Achilles tendon)").check()
    page.get_by_role("group", name="Which ankle?").get_by_label("Right").check()
    page.get_by_label("Pain at rest, from 0 to 10").fill("0")
    page.get_by_label("Pain after running, from 0 to 10").fill("3")
    page.get_by_label("How many days has it hurt?").fill("20")
    page.get_by_role("group", name="Are you still running?").get_by_label("Yes").check()
    page.get_by_label("How many kilometres do you run in a week?").fill("40")
    for question in (
        "Have you changed your training recently?",
        "Have you changed your running shoes recently?",
        "Have you been told you have flat feet?",
        *SAFETY_QUESTION_LABELS.values(),
    ):
        page.get_by_role("group", name=question).get_by_label("No").check()
    page.get_by_label("How many times have you sprained this ankle before?").fill("0")


def token(page) -> str:
    return page.locator("input[name=idempotency_token]").input_value()


def save_go_back_and_save_again(page, patient) -> tuple[str, bool]:
    """The first result's address, after Back and a second save, and whether the form
    shown after Back still carried the token it was first saved with."""
    log_in(page, "rita")
    page.get_by_role("heading", name="Today's intakes").wait_for()
    page.goto(f"/reception/patients/{patient.pk}/intake/")
    answer_a_gradual_achilles_pain(page)
    saved_with = token(page)
    page.get_by_role("button", name=SAVE).click()
    page.get_by_role("heading", name="Triage result").wait_for()
    first_result = page.url

    # From the back-forward cache the page is shown again without a load event.
    page.go_back(wait_until="commit")
    page.get_by_role("button", name=SAVE).wait_for()
    assert page.get_by_label("How many kilometres do you run in a week?").input_value() == "40"
    same_token = token(page) == saved_with
    page.get_by_role("button", name=SAVE).click()
    page.get_by_role("heading", name="Triage result").wait_for()
    return first_result, same_token


def test_it_saves_once_when_back_reloads_the_form(page, rita, patient):
    first_result, same_token = save_go_back_and_save_again(page, patient)

    assert not same_token  # a reloaded form has a new token: its answers identify it
    assert page.url == first_result
    assert page.get_by_text(ALREADY_SAVED).is_visible()
    assert Intake.objects.count() == 1


@pytest.mark.parametrize("page", [{"back_forward_cache": True}], indirect=True)
def test_it_never_shows_a_cached_form_and_still_saves_once(page, rita, patient):
    first_result, same_token = save_go_back_and_save_again(page, patient)

    # Pages with patient data are Cache-Control: no-store, which keeps them out of the
    # browser's back-forward cache too: Back reloads the form, with a new token.
    assert not same_token
    assert page.url == first_result
    assert page.get_by_text(ALREADY_SAVED).is_visible()
    assert Intake.objects.count() == 1
