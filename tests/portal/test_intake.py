"""Self-intake before the first visit: an invitation through the outbox, the article's
questionnaire answered on the phone with triage's own validation, reception confirms it into
the case in one step (triage runs then)."""

from __future__ import annotations

import pytest
from django.test import Client

from portal.models import IntakeInvitation
from portal.services import intake_invitation_create
from portal.tokens import link_token
from rehab.models import Alert
from reminders.messages import render
from reminders.models import Reminder
from tests.factories import PatientFactory
from tests.portal.helpers import signed_in_runner
from triage.models import Intake

EMMA_DOB = "1991-03-14"

# The page's POST for a twisted ankle, in the form's values (radios by code, yes/no).
ANSWERS = {
    "onset": "trauma",
    "mechanism": "twist",
    "swelling": "moderate",
    "hematoma": "no",
    "mobility": "difficult",
    "weight_bearing": "difficult",
    "pain_location": "lateral",
    "side": "left",
    "pain_at_rest": "4",
    "pain_after_running": "7",
    "pain_duration_days": "2",
    "still_running": "no",
    "weekly_distance_km": "35.5",
    "recent_training_change": "no",
    "recent_shoe_change": "no",
    "known_flat_feet": "no",
    "previous_sprains": "1",
    "calf_pain_or_swelling": "no",
    "fever_or_hot_red_joint": "no",
    "numbness_or_cold_foot": "no",
    "night_pain": "no",
    "focal_bone_pain": "no",
}


@pytest.fixture
def invited(patient, rita):
    return intake_invitation_create(patient=patient, by=rita)


@pytest.mark.django_db
def test_it_invites_a_patient_through_the_outbox(patient, rita, api_as):
    response = api_as(rita).post("/api/v1/intake-invitations/", {"patient": patient.pk})

    assert response.status_code == 201
    invitation = IntakeInvitation.objects.get(pk=response.json()["id"])
    assert (invitation.status, invitation.case.status) == ("sent", "open")
    reminder = Reminder.objects.get(kind="intake_invitation")
    assert f"/r/{link_token(invitation.link_id)}/" in render(reminder).body


@pytest.mark.django_db
def test_it_refuses_a_second_open_invitation(invited, rita, api_as):
    response = api_as(rita).post("/api/v1/intake-invitations/", {"patient": invited.patient_id})

    assert response.status_code == 409
    assert response.json()["code"] == "invitation_open"
    assert IntakeInvitation.objects.count() == 1


@pytest.mark.django_db
def test_it_answers_404_for_a_patient_out_of_reach(oscar, api_as):
    other = PatientFactory()

    response = api_as(oscar).post("/api/v1/intake-invitations/", {"patient": other.pk})

    assert response.status_code == 403  # physios do not invite (intake is reception's)


@pytest.mark.django_db
def test_it_keeps_the_runners_answers_until_reception_confirms_them(invited, rita, api_as):
    runner = signed_in_runner(invited.link, EMMA_DOB)

    home = runner.get("/r/")
    sent = runner.post(f"/r/intake/{invited.pk}/", ANSWERS)
    thanks = runner.get(f"/r/intake/{invited.pk}/")

    assert "Tell us about your ankle" in home.content.decode()
    assert sent.status_code == 302
    assert "Thank you, your answers are saved" in thanks.content.decode()
    invited.refresh_from_db()
    assert invited.status == "answered"
    assert invited.answers["weekly_distance_km"] == "35.5"
    assert Intake.objects.count() == 0  # not yet: reception confirms

    confirmed = api_as(rita).post(f"/api/v1/intake-invitations/{invited.pk}/confirm/")

    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "confirmed"
    intake = Intake.objects.get()
    assert intake.case_id == invited.case_id  # the invitation's case, no second one
    assert (intake.pathway, intake.urgency, intake.recorded_by) == ("trauma", "soon", rita)
    assert str(intake.weekly_distance_km) == "35.5"
    invited.case.refresh_from_db()
    assert (invited.case.status, invited.case.side) == ("triaged", "left")
    again = api_as(rita).post(f"/api/v1/intake-invitations/{invited.pk}/confirm/")
    assert again.status_code == 409


@pytest.mark.django_db
def test_it_shows_the_questionnaires_own_errors_beside_the_fields(invited):
    runner = signed_in_runner(invited.link, EMMA_DOB)
    answers = {**ANSWERS, "onset": "gradual"}  # a mechanism is refused for a gradual pain

    response = runner.post(f"/r/intake/{invited.pk}/", answers)

    assert response.status_code == 200
    assert "has-error" in response.content.decode()
    invited.refresh_from_db()
    assert invited.status == "sent"


@pytest.mark.django_db
def test_it_confirms_with_one_click_on_receptions_page(invited, rita):
    runner = signed_in_runner(invited.link, EMMA_DOB)
    runner.post(f"/r/intake/{invited.pk}/", ANSWERS)
    desk = Client()
    desk.force_login(rita)

    listed = desk.get("/portal/intakes/")
    confirmed = desk.post(f"/portal/intakes/{invited.pk}/confirm/")

    assert "Answered, to confirm" in listed.content.decode()
    intake = Intake.objects.get()
    assert confirmed.status_code == 302
    assert confirmed["Location"] == f"/reception/intakes/{intake.pk}/"


@pytest.mark.django_db
def test_it_answers_404_for_another_patients_invitation(invited, rita):
    theirs = intake_invitation_create(patient=PatientFactory(), by=rita)
    runner = signed_in_runner(invited.link, EMMA_DOB)

    assert runner.get(f"/r/intake/{theirs.pk}/").status_code == 404
    assert runner.post(f"/r/intake/{theirs.pk}/", ANSWERS).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "sent"


@pytest.mark.django_db
def test_it_tells_the_runner_to_call_at_once_and_raises_a_red_flag(invited):
    runner = signed_in_runner(invited.link, EMMA_DOB)
    answers = {
        **ANSWERS,
        "calf_pain_or_swelling": "yes",
        "fever_or_hot_red_joint": "no",
        "numbness_or_cold_foot": "no",
        "night_pain": "no",
        "focal_bone_pain": "no",
    }

    runner.post(f"/r/intake/{invited.pk}/", answers)
    page = runner.get(f"/r/intake/{invited.pk}/").content.decode()

    assert "Please call the clinic now" in page
    assert Alert.objects.get(case=invited.case).kind == "red_flag"
