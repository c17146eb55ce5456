"""The hand-offs in a browser: reception assigns the physio from the triage result and finds
everything on the patient record; the physio reads the medical picture; a near-duplicate
warning; and nothing typed is lost across the idle log-off."""

from __future__ import annotations

import datetime

import pytest

from clinic import roles
from clinic.models import Case, Patient
from rehab.services.sessions import session_schedule
from tests.conftest import log_in
from tests.factories import PatientFactory, UserFactory
from tests.test_role_matrix import QUESTIONNAIRE, build_world
from triage.services.intake import intake_create

pytestmark = pytest.mark.browser


@pytest.fixture
def nina(db):
    return UserFactory(username="nina", first_name="Nina", last_name="Lopez", role=roles.PHYSIO)


def test_reception_assigns_the_physio_and_finds_it_all_on_the_record(
    page, rita, nina, patient, tmp_path
):
    from django.utils import timezone

    intake = intake_create(
        recorded_by=rita,
        patient=patient,
        questionnaire={**QUESTIONNAIRE, "weight_bearing": "impossible"},
    )
    log_in(page, "rita")
    page.goto(f"/reception/intakes/{intake.pk}/")

    page.get_by_label("Assign a physio", exact=True).select_option(label="Nina Lopez")
    page.get_by_role("button", name="Assign physio").click()

    page.get_by_text(f"Case #{intake.case_id} is now with Nina Lopez.").wait_for()
    assert Case.objects.get(pk=intake.case_id).assigned_physio == nina
    session_schedule(
        case=intake.case,
        scheduled_at=timezone.now().replace(microsecond=0) + datetime.timedelta(days=2),
        by=rita,
    )
    page.get_by_role("link", name="Open the patient's record").click()
    page.get_by_role("heading", name="Contact details").wait_for()
    assert page.get_by_text(patient.email).is_visible()
    bookings = page.get_by_role("region", name="Bookings")
    assert bookings.get_by_role("cell", name="Physiotherapy session", exact=True).is_visible()
    assert bookings.get_by_role("link", name="Move", exact=False).first.is_visible()
    reminders = page.get_by_role("region", name="Reminders")
    assert reminders.get_by_role("cell", name="Session reminder (24 h before)").is_visible()
    assert page.get_by_label("Change the physio", exact=True).is_visible()
    page.screenshot(path=str(tmp_path / "patient-record.png"), full_page=True)
    page.get_by_role("link", name="New intake").click()
    page.get_by_role("heading", name="Ankle pain questionnaire").wait_for()


def test_the_physio_reads_the_medical_picture(page, catalogue, exercise_library):
    world = build_world()
    log_in(page, "paula")
    page.goto(f"/rehab/cases/{world.case.pk}/")

    picture = page.get_by_role("region", name="Medical picture")
    picture.wait_for()
    assert picture.get_by_text("Sprain and strain of ankle").is_visible()
    assert picture.get_by_text("Pain in the malleolar zone").is_visible()
    assert picture.get_by_role("heading", name="Intake answers").is_visible()
    # The doctor has examined: the triage's "soon" is history now.
    assert page.get_by_text("Was soon at triage").is_visible()


def test_registration_warns_about_a_near_duplicate(page, rita):
    hugo = PatientFactory(
        given_name="Hugo", family_name="Martín-Moreau", date_of_birth=datetime.date(1988, 4, 7)
    )
    log_in(page, "rita")
    page.goto("/reception/patients/new/")
    page.get_by_label("First name").fill("hugo")
    page.get_by_label("Last name").fill("MARTIN MOREAU")
    page.get_by_label("Date of birth").fill("1988-07-04")
    page.get_by_label("Male", exact=True).check()
    page.get_by_role("group", name="Reminders by").get_by_label("No reminders").check()
    page.get_by_role("button", name="Register and start the intake").click()

    alert = page.get_by_role("alert")
    alert.get_by_text("This patient may already be registered").wait_for()
    assert alert.get_by_role("link", name=f"Same person: use {hugo.mrn}").is_visible()
    assert alert.get_by_text("day and month swapped").is_visible()
    assert Patient.objects.count() == 1
    page.get_by_role("button", name="It's a different person: register anyway").click()

    page.get_by_role("heading", name="Ankle pain questionnaire").wait_for()
    assert Patient.objects.count() == 2


def test_nothing_typed_is_lost_across_the_idle_log_off(page, rita, settings):
    # A short idle time: the warning comes after half of it, the log-off after all of it.
    settings.SESSION_COOKIE_AGE = 6
    log_in(page, "rita")
    page.goto("/reception/patients/new/")
    page.get_by_label("First name").fill("Zoé")
    page.get_by_label("Last name").fill("Roux")

    warning = page.get_by_role("alertdialog", name="Still there?")
    warning.wait_for(timeout=10_000)
    warning.get_by_role("button", name="Stay logged in").click()
    warning.wait_for(state="hidden")

    warning.get_by_text("You have been logged out").wait_for(timeout=15_000)
    page.get_by_label("Date of birth").fill("1990-02-03")
    page.get_by_role("button", name="Register and start the intake").click()

    page.get_by_text("what you typed is kept").wait_for()
    assert Patient.objects.count() == 0
    settings.SESSION_COOKIE_AGE = 900
    page.get_by_label("Username").fill("rita")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()

    page.get_by_text("What you typed before you were logged out is back").wait_for()
    assert page.get_by_label("First name").input_value() == "Zoé"
    assert page.get_by_label("Last name").input_value() == "Roux"
    assert page.get_by_label("Date of birth").input_value() == "1990-02-03"
    page.get_by_label("Female").check()
    page.get_by_role("group", name="Reminders by").get_by_label("No reminders").check()
    page.get_by_role("button", name="Register and start the intake").click()
    page.get_by_role("heading", name="Ankle pain questionnaire").wait_for()
    assert Patient.objects.get().given_name == "Zoé"


def test_a_doctor_changes_the_physio_and_finds_ended_cases_on_request(page, dan, case, nina):
    from django.utils import timezone

    from clinic.models import CaseStatus
    from tests.factories import CaseFactory

    ended = CaseFactory(patient=case.patient)
    Case.objects.filter(pk=ended.pk).update(status=CaseStatus.CLOSED, discharged_at=timezone.now())
    log_in(page, "dan")
    page.goto(f"/cases/{case.pk}/")

    page.get_by_label("Change the physio", exact=True).select_option(label="Nina Lopez")
    page.get_by_role("button", name="Change physio").click()

    page.get_by_text(f"Case #{case.pk} is now with Nina Lopez.").wait_for()
    assert Case.objects.get(pk=case.pk).assigned_physio == nina
    page.goto("/cases/")
    assert page.get_by_role("link", name="MARTIN, Emma").count() == 1
    page.get_by_label("Include discharged and closed cases").check()
    page.get_by_role("button", name="Show cases").click()
    page.get_by_text("2 cases, most urgent first, then newest").wait_for()
