"""A doctor's flow in a real browser: exam → X-ray recommendation → order → report → review."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.conftest import log_in
from triage.models import ImagingReferral

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_it_takes_a_doctor_from_exam_to_reviewed_xray(page, dan, case, catalogue):
    from playwright.sync_api import expect

    case.set_urgency("urgent")
    case.save()
    log_in(page, "dan")

    # The doctor's home: cases, most urgent first.
    expect(page.get_by_role("heading", name="Cases")).to_be_visible()
    page.get_by_role("link", name="MARTIN, Emma").click()
    page.get_by_role("link", name="Record an examination").click()

    page.get_by_label("Pain in the malleolar zone").check()
    page.get_by_label("Tenderness, lateral malleolus").check()
    page.get_by_role("group", name="Thompson test (calf squeeze)").get_by_label("Negative").check()
    page.get_by_role("group", name="Anterior drawer test").get_by_label("Positive").check()
    page.get_by_label("Ankle dorsiflexion (degrees)").fill("8")
    page.get_by_label("Clinical notes").fill("Swollen lateral ankle, tender ATFL and fibular tip.")
    page.get_by_role("button", name="Save the examination").click()

    expect(page.get_by_role("heading", name="Imaging recommended")).to_be_visible()
    expect(page.get_by_text("Ottawa ankle rule: pain in the malleolar zone")).to_be_visible()
    page.get_by_role("button", name="Order ankle X-ray").click()

    expect(page.get_by_role("heading", name="X-ray of the left ankle")).to_be_visible()
    next_month = timezone.localtime() + datetime.timedelta(days=30)
    page.get_by_label("Appointment date and time").fill(next_month.strftime("%Y-%m-%dT09:30"))
    page.get_by_role("button", name="Schedule").click()
    page.get_by_role("button", name="Mark performed").click()
    page.get_by_label("Radiologist's report").fill(
        "Undisplaced avulsion fracture of the lateral malleolus tip. Ankle mortise congruent."
    )
    page.get_by_role("button", name="Save report").click()

    page.get_by_role("link", name="Reports to review").first.click()
    page.get_by_role("link", name="X-ray · left ankle").click()
    page.get_by_label("Review note").fill("Discussed with the patient: boot for 4 weeks.")
    page.get_by_role("button", name="Mark report reviewed").click()

    expect(page.get_by_text("Status: Reviewed")).to_be_visible()
    referral = ImagingReferral.objects.get()
    assert referral.status == "reviewed" and referral.reviewed_by == dan
    assert referral.examination.imaging_recommendation["studies"] == ["ankle_xray"]

    # The case page tells the story.
    page.get_by_role("link", name=f"Case #{case.pk}").click()
    expect(page.get_by_text("report reviewed by")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_it_tells_the_doctor_when_the_ottawa_rules_do_not_apply(
    page, live_server, dan, case, tmp_path
):
    from playwright.sync_api import expect

    log_in(page, "dan")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_role("link", name="Record an examination").click()

    page.get_by_label("Days since the injury").fill("21")
    page.get_by_label("Pain in the malleolar zone").check()
    page.get_by_label("Tenderness, lateral malleolus").check()
    page.get_by_role("button", name="Save the examination").click()

    expect(page.get_by_role("heading", name="The Ottawa rules do not apply")).to_be_visible()
    expect(page.get_by_text("Outside the Ottawa rules:")).to_be_visible()
    expect(page.get_by_text("the injury is 21 days old")).to_be_visible()
    page.screenshot(path=str(tmp_path / "exam_not_applicable.png"), full_page=True)

    # Tenderness without the zone's pain is named, not read as "no X-ray".
    page.goto(f"{live_server.url}/cases/{case.pk}/examinations/new/")
    page.get_by_label("Tenderness, lateral malleolus").check()
    page.get_by_role("button", name="Save the examination").click()
    expect(page.get_by_text("Contradiction: tenderness at the lateral malleolus")).to_be_visible()
    expect(page.get_by_text("no X-ray needed")).to_have_count(0)
