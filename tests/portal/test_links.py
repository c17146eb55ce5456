"""Private links: sent on the patient's channel with consent, signed, expiring, revocable,
opened with the date of birth (five tries, then locked and the sender told); the runner's
session is separate from staff logins, and every runner action is audited as the patient's."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from clinic.models import AuditEvent
from portal.models import PortalLink
from portal.tokens import link_token
from reminders.messages import render
from reminders.models import Reminder
from tests.factories import CaseFactory, PatientFactory
from tests.portal.helpers import link_for, open_url, signed_in_runner

EMMA_DOB = "1991-03-14"


@pytest.fixture
def emma_case(patient, paula):
    return CaseFactory(patient=patient, assigned_physio=paula)


# --- Sending a link ---------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(SITE_URL="https://clinic.example")
def test_it_sends_the_link_through_the_outbox_on_the_patients_channel(emma_case, rita, api_as):
    response = api_as(rita).post(f"/api/v1/patients/{emma_case.patient_id}/portal-link/")

    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "active"
    assert "url" not in body and "token" not in body  # the link goes to the patient alone
    link = PortalLink.objects.get(pk=body["id"])
    assert (link.patient_id, link.created_by) == (emma_case.patient_id, rita)
    assert link.expires_at - link.created_at == datetime.timedelta(days=30)
    reminder = Reminder.objects.get(kind="portal_link", subject_id=link.pk)
    assert (reminder.channel, reminder.recipient) == ("email", "emma.martin@example.org")
    words = render(reminder)
    assert f"https://clinic.example/r/{link_token(link.pk)}/" in words.body
    assert "Talus Sports Physiotherapy" in words.body
    assert "To stop all reminders" in words.body


@pytest.mark.django_db
def test_it_refuses_a_patient_without_consent(emma_case, rita, api_as):
    patient = emma_case.patient
    patient.reminder_consent = False
    patient.save()

    response = api_as(rita).post(f"/api/v1/patients/{patient.pk}/portal-link/")

    assert response.status_code == 409
    assert response.json()["code"] == "no_consent"
    assert PortalLink.objects.count() == 0
    assert Reminder.objects.filter(kind="portal_link").count() == 0


@pytest.mark.django_db
def test_it_refuses_a_patient_without_a_case(rita, api_as):
    patient = PatientFactory()

    response = api_as(rita).post(f"/api/v1/patients/{patient.pk}/portal-link/")

    assert response.status_code == 409
    assert response.json()["code"] == "no_case"


@pytest.mark.django_db
def test_it_answers_404_to_a_physio_not_on_the_case(emma_case, oscar, api_as):
    response = api_as(oscar).post(f"/api/v1/patients/{emma_case.patient_id}/portal-link/")

    assert response.status_code == 404
    assert PortalLink.objects.count() == 0


@pytest.mark.django_db
def test_it_revokes_a_link_and_its_unsent_message(emma_case, rita, api_as):
    link = link_for(emma_case.patient, rita)

    response = api_as(rita).post(f"/api/v1/portal-links/{link.pk}/revoke/")
    again = api_as(rita).post(f"/api/v1/portal-links/{link.pk}/revoke/")

    assert response.status_code == 200
    assert response.json()["state"] == "revoked"
    assert again.status_code == 409
    assert Reminder.objects.get(kind="portal_link", subject_id=link.pk).status == "cancelled"
    assert Client().get(open_url(link)).status_code == 410


# --- Opening a link ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_asks_the_date_of_birth_then_shows_the_runners_page(emma_case, rita):
    link = link_for(emma_case.patient, rita)
    client = Client()

    asked = client.get(open_url(link))
    confirmed = client.post(open_url(link), {"date_of_birth": EMMA_DOB})
    home = client.get("/r/")

    assert asked.status_code == 200
    assert "Your date of birth" in asked.content.decode()
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/r/"
    assert home.status_code == 200
    assert "Hello Emma" in home.content.decode()
    link.refresh_from_db()
    assert link.verified_at is not None


@pytest.mark.django_db
def test_it_locks_the_link_after_five_wrong_dates_and_tells_the_sender(emma_case, rita):
    rita.email = "rita@clinic.example"
    rita.save()
    link = link_for(emma_case.patient, rita)
    client = Client()

    answers = [client.post(open_url(link), {"date_of_birth": "1990-01-01"}) for _ in range(5)]
    sixth = client.post(open_url(link), {"date_of_birth": EMMA_DOB})

    assert [r.status_code for r in answers] == [200, 200, 200, 200, 403]
    assert "1 try left" in answers[3].content.decode()
    assert "This link is locked" in answers[4].content.decode()
    assert sixth.status_code == 410  # even the right date no longer opens it
    link.refresh_from_db()
    assert (link.failed_attempts, link.state) == (5, "locked")
    told = Reminder.objects.get(kind="portal_locked", subject_id=link.pk)
    assert (told.channel, told.recipient) == ("email", "rita@clinic.example")
    assert "Emma" not in render(told).body  # a staff message names no patient
    assert client.get("/r/").status_code == 403


@pytest.mark.django_db
def test_it_starts_the_count_again_after_the_right_date(emma_case, rita):
    link = link_for(emma_case.patient, rita)
    client = Client()
    for _ in range(4):
        client.post(open_url(link), {"date_of_birth": "1990-01-01"})

    client.post(open_url(link), {"date_of_birth": EMMA_DOB})

    link.refresh_from_db()
    assert (link.failed_attempts, link.state) == (0, "active")


@pytest.mark.django_db
def test_it_refuses_a_forged_or_expired_link(emma_case, rita):
    link = link_for(emma_case.patient, rita)
    PortalLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())

    assert Client().get(open_url(link)).status_code == 410
    assert Client().get(f"/r/{link_token(link.pk)}x/").status_code == 404
    assert Client().get("/r/eyJsIjoxfQ:forged/").status_code == 404


@pytest.mark.django_db
def test_it_keeps_the_runner_session_apart_from_staff_logins(emma_case, rita, paula):
    staff = Client()
    staff.force_login(paula)

    assert staff.get("/r/").status_code == 403  # a staff login is no runner session
    runner = signed_in_runner(link_for(emma_case.patient, rita), EMMA_DOB)
    assert runner.get("/rehab/caseload/").status_code == 302  # nor is a runner's a staff login


@pytest.mark.django_db
def test_it_audits_the_runner_as_the_patient(emma_case, rita, paula):
    link = link_for(emma_case.patient, rita)
    runner = signed_in_runner(link, EMMA_DOB)
    runner.force_login(paula)  # even with a staff user on the same browser

    runner.get("/r/")

    event = AuditEvent.objects.filter(object_type="clinic.patient").latest("id")
    assert (event.actor_id, event.actor_role, event.patient_id) == (
        None,
        "patient",
        emma_case.patient_id,
    )
    opened = AuditEvent.objects.get(object_type="portal.portallink")
    assert (opened.actor_role, opened.action) == ("patient", "update")


@pytest.mark.django_db
def test_it_ends_the_session_on_sign_out(emma_case, rita):
    runner = signed_in_runner(link_for(emma_case.patient, rita), EMMA_DOB)

    assert runner.post("/r/leave/").status_code == 200
    assert runner.get("/r/").status_code == 403


@pytest.mark.django_db
def test_it_sends_no_email_in_the_request(emma_case, rita, api_as):
    api_as(rita).post(f"/api/v1/patients/{emma_case.patient_id}/portal-link/")

    assert mail.outbox == []  # the outbox row is sent by the dispatcher, not the request


@pytest.mark.django_db
def test_it_asks_no_second_birth_date_for_another_link_of_the_same_patient(emma_case, rita):
    runner = signed_in_runner(link_for(emma_case.patient, rita), EMMA_DOB)
    second = link_for(emma_case.patient, rita)

    response = runner.get(open_url(second))

    assert response.status_code == 302
    assert response["Location"] == "/r/"


@pytest.mark.django_db
def test_it_asks_the_birth_date_for_another_patients_link(emma_case, rita):
    runner = signed_in_runner(link_for(emma_case.patient, rita), EMMA_DOB)
    other = CaseFactory(patient=PatientFactory())

    response = runner.get(open_url(link_for(other.patient, rita)))

    assert response.status_code == 200
    assert "Your date of birth" in response.content.decode()
