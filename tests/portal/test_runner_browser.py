"""At phone size: a runner opens their link, confirms the birth date and answers a LEFS from
home; the physio's caseload shows the score and a ``worsened`` alert. Five wrong birth dates
lock the link. A self-intake answered on the phone is confirmed by reception in one click."""

from __future__ import annotations

import pytest
from django.utils import timezone

from portal.models import PortalLink
from portal.services import (
    intake_invitation_create,
    outcome_request_create,
    outcome_requests_tick,
    portal_link_create,
)
from portal.tokens import link_token
from rehab.models import Alert, OutcomeMeasure
from rehab.services.outcomes import outcome_record
from tests.conftest import log_in
from triage.models import Intake
from triage.vocabulary import SAFETY_QUESTION_LABELS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def fill_lefs(page, position: str) -> None:
    for group in page.get_by_role("group").all():
        group.get_by_label(position, exact=True).check()


def test_it_takes_a_lefs_from_home_to_the_physios_caseload(page, case, paula):
    outcome_record(case=case, instrument="lefs", answers=[3] * 20, by=paula)  # 60/80
    request = outcome_request_create(case=case, instrument="lefs", due_at=timezone.now(), by=paula)
    outcome_requests_tick()
    request.refresh_from_db()
    page.set_viewport_size(PHONE)

    page.goto(f"/r/{link_token(request.link_id)}/")
    page.get_by_label("Your date of birth").fill("1991-03-14")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Hello Emma").wait_for()
    page.get_by_role("link", name="Lower Extremity Functional Scale (LEFS)").click()
    fill_lefs(page, "Moderate difficulty")  # 2 x 20 = 40
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_text("Thank you, your answers are saved.").wait_for()
    assert page.get_by_text("40 out of 80").is_visible()
    # One task per screen on a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="You are signed out").wait_for()

    measure = OutcomeMeasure.objects.get(source="patient")
    assert measure.score == 40
    assert Alert.objects.get(case=case).kind == "worsened"

    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "paula")
    page.goto("/rehab/caseload/")
    page.get_by_text("ALERT — Worse by at least the MCID").wait_for()
    assert page.get_by_text("LEFS 40, was 60: worse by at least the MCID.").is_visible()
    row = page.get_by_role("row", name="MARTIN, Emma")
    assert "LEFS 40/80 (from home)" in row.inner_text()
    page.get_by_role("button", name="Acknowledge").click()
    page.get_by_text("Alert acknowledged.").wait_for()
    assert Alert.objects.get(case=case).acknowledged_by_id == paula.pk


def test_it_locks_the_link_after_five_wrong_birth_dates(page, case, rita):
    link = portal_link_create(patient=case.patient, by=rita)
    page.set_viewport_size(PHONE)
    page.goto(f"/r/{link_token(link.pk)}/")

    for left in (4, 3, 2, 1):
        page.get_by_label("Your date of birth").fill("1990-01-01")
        page.get_by_role("button", name="Continue").click()
        page.get_by_text(f"{left} tr").first.wait_for()
    page.get_by_label("Your date of birth").fill("1990-01-01")
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("heading", name="This link is locked").wait_for()
    assert PortalLink.objects.get(pk=link.pk).state == "locked"
    page.goto(f"/r/{link_token(link.pk)}/")
    page.get_by_role("heading", name="This link is locked").wait_for()


def test_a_discharged_runner_is_told_on_the_phone_that_treatment_ended(page, case, rita):
    case.status = "discharged"
    case.discharged_at = timezone.now().replace(year=2026, month=11, day=3, hour=12)
    case.save(update_fields=["status", "discharged_at"])
    link = portal_link_create(patient=case.patient, by=rita)
    page.set_viewport_size(PHONE)

    page.goto(f"/r/{link_token(link.pk)}/")
    page.get_by_label("Your date of birth").fill("1991-03-14")
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("heading", name="Your treatment").wait_for()
    assert page.get_by_text("Your treatment with the clinic ended on 3 November 2026").is_visible()
    assert page.get_by_role("link", name="Today's exercises").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def answer_yes_no(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def test_it_takes_a_self_intake_from_the_phone_to_a_confirmed_case(page, patient, rita):
    invitation = intake_invitation_create(patient=patient, by=rita)
    page.set_viewport_size(PHONE)

    page.goto(f"/r/{link_token(invitation.link_id)}/")
    page.get_by_label("Your date of birth").fill("1991-03-14")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Tell us about your ankle").click()
    page.get_by_label("Trauma — a fall, a twist or a sudden change of direction").check()
    page.get_by_label("Twisted the ankle").check()
    page.get_by_role("group", name="Is the ankle swollen?").get_by_label("Mild").check()
    answer_yes_no(page, "Is there bruising?", "No")
    page.get_by_role("group", name="Can you move your ankle?").get_by_label("Difficult").check()
    page.get_by_role("group", name="Can you stand on the foot?").get_by_label("Difficult").check()
    page.get_by_label("Outside of the ankle").check()
    page.get_by_role("group", name="Which ankle?").get_by_label("Left").check()
    page.get_by_label("Pain at rest, from 0 to 10").fill("3")
    page.get_by_label("Pain after running, from 0 to 10").fill("6")
    page.get_by_label("How many days has it hurt?").fill("2")
    answer_yes_no(page, "Are you still running?", "No")
    page.get_by_label("How many kilometres do you run in a week?").fill("25")
    answer_yes_no(page, "Have you changed your training recently?", "No")
    answer_yes_no(page, "Have you changed your running shoes recently?", "No")
    answer_yes_no(page, "Have you been told you have flat feet?", "No")
    page.get_by_label("How many times have you sprained this ankle before?").fill("0")
    for question in SAFETY_QUESTION_LABELS.values():
        answer_yes_no(page, question, "No")
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_role("heading", name="Thank you, your answers are saved").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "rita")
    page.get_by_role("link", name="Answered from home").click()
    row = page.get_by_role("row", name="MARTIN, Emma")
    assert "Answered, to confirm" in row.inner_text()
    row.get_by_role("button", name="Confirm into a case").click()
    page.get_by_role("heading", name="Triage result").wait_for()

    intake = Intake.objects.get()
    assert (intake.case_id, intake.urgency, intake.recorded_by_id) == (
        invitation.case_id,
        "soon",
        rita.pk,
    )
