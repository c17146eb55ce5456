"""A physio sends the discharge letter of a discharged case to the referrer, with consent."""

from __future__ import annotations

import pytest

from reminders.models import Reminder
from reports.models import LetterSending
from tests.conftest import log_in
from tests.reports.test_discharge_letter import journey  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_physio_sends_the_letter_with_the_patients_consent(page, journey):  # noqa: F811
    case = journey["case"]
    log_in(page, "paula")
    page.goto(f"/rehab/cases/{case.pk}/")

    page.get_by_role("link", name="Send it to the referrer…").click()
    page.get_by_text("To Dr Claire Dubois <c.dubois@gp.example>").wait_for()
    page.get_by_role("button", name="Send the letter").click()
    # Beside the box (the summary at the top links to it too).
    page.locator(".field-error").get_by_text(
        "Record that the patient agreed to send the letter to the referrer."
    ).wait_for()
    page.get_by_label("The patient agreed that we send this letter to their referrer").check()
    page.get_by_label("How the patient agreed (optional)").fill("In person, today.")
    page.get_by_role("button", name="Send the letter").click()
    page.get_by_text("The letter is on its way to c.dubois@gp.example.").wait_for()

    assert LetterSending.objects.get().consent_note == "In person, today."
    assert Reminder.objects.filter(kind="discharge_letter").count() == 1
