"""A patient stops reminders from the link in a message, without logging in."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.utils import timezone

from clinic.models import AuditEvent
from reminders import messages as reminder_messages
from reminders.models import Reminder, ReminderStatus
from reminders.services import events
from tests.factories import CaseFactory
from tests.reminders.helpers import make_reminder, run_dispatch

pytestmark = pytest.mark.django_db


def stop_path(patient_id: int) -> str:
    return f"/reminders/stop/{reminder_messages.stop_token(patient_id)}/"


def test_the_link_in_a_message_is_absolute_and_names_the_patient_only_by_a_signature(
    case, settings
):
    settings.SITE_URL = "https://talus.clinic.example"

    url = reminder_messages.stop_url(case.patient_id)

    assert url.startswith("https://talus.clinic.example/reminders/stop/")
    assert case.patient.email not in url
    token = url.rsplit("/", 2)[-2]
    assert reminder_messages.patient_id_from_stop_token(token) == case.patient_id


def test_opening_the_link_asks_to_confirm_and_changes_nothing(client, case):
    response = client.get(stop_path(case.patient_id))

    assert response.status_code == 200
    assert b"Stop all reminders" in response.content
    case.patient.refresh_from_db()
    assert case.patient.reminder_consent is True


def test_confirming_withdraws_consent_and_cancels_pending_reminders(client, case, dan):
    pending = make_reminder(case, due_at=timezone.now() + timedelta(days=1))
    sent = make_reminder(case, status="sent", sent_at=timezone.now())
    events.reminders_for_referral_performed(
        case=case, referral_id=3, performed_at=timezone.now(), requesting_doctor=dan
    )

    response = client.post(stop_path(case.patient_id))

    assert response.status_code == 200
    assert b"reminders are stopped" in response.content
    patient = case.patient
    patient.refresh_from_db()
    assert patient.reminder_consent is False
    assert patient.reminder_consent_at is not None
    pending.refresh_from_db()
    assert pending.status == ReminderStatus.CANCELLED
    assert pending.skip_reason == "The patient stopped reminders."
    sent.refresh_from_db()
    assert sent.status == ReminderStatus.SENT
    # The doctor's work reminder about this case is not the patient's to stop.
    assert Reminder.objects.get(kind="imaging_overdue").status == ReminderStatus.PENDING
    event = AuditEvent.objects.get(object_type="clinic.patient")
    assert (event.action, event.actor, event.patient_id) == ("update", None, patient.pk)


def test_confirming_twice_is_harmless(client, case):
    path = stop_path(case.patient_id)

    assert client.post(path).status_code == 200
    assert client.post(path).status_code == 200


def test_it_keeps_the_other_patients_reminders(client, case):
    other = make_reminder(CaseFactory(), due_at=timezone.now() + timedelta(days=1))

    client.post(stop_path(case.patient_id))

    other.refresh_from_db()
    assert other.status == ReminderStatus.PENDING


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps({"p": 1}, salt="another.purpose"),
        signing.dumps({"p": "1"}, salt=reminder_messages.STOP_SALT),
        signing.dumps({"p": 999999}, salt=reminder_messages.STOP_SALT),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_token_answers_400_and_changes_nothing(client, case, token, method):
    response = getattr(client, method)(f"/reminders/stop/{token}/")

    assert response.status_code == 400
    assert b"This link is not valid" in response.content
    case.patient.refresh_from_db()
    assert case.patient.reminder_consent is True


def test_a_forged_token_for_a_real_patient_answers_400(client, case):
    token = reminder_messages.stop_token(case.patient_id)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    assert client.post(f"/reminders/stop/{forged}/").status_code == 400


def test_an_expired_link_answers_400(client, case):
    with time_machine.travel(timezone.now() - timedelta(days=181)):
        path = stop_path(case.patient_id)

    response = client.post(path)

    assert response.status_code == 400
    case.patient.refresh_from_db()
    assert case.patient.reminder_consent is True


def test_a_patient_who_stopped_gets_nothing_more(
    client, case, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.REMINDER_QUIET_HOURS = None
    client.post(stop_path(case.patient_id))
    events.reminders_for_discharge(case=case, discharged_at=timezone.now() - timedelta(days=50))

    outcomes = run_dispatch(monkeypatch, django_capture_on_commit_callbacks)

    assert outcomes == ["skipped", "skipped"]
    assert mail.outbox == []
    assert set(Reminder.objects.values_list("skip_reason", flat=True)) == {
        "The patient has not consented to reminders."
    }
