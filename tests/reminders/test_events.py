"""Each domain event writes, moves or cancels the right reminder rows, once."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from reminders.models import Reminder, ReminderStatus
from reminders.services import dispatch as dispatching
from reminders.services import events
from tests.factories import CaseFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db

PARIS = "Europe/Paris"


def in_days(days: float) -> dt.datetime:
    return (timezone.now() + timedelta(days=days)).replace(microsecond=0)


# --- Sessions -----------------------------------------------------------------------------------


def test_it_writes_a_session_reminder_24_hours_before(case):
    scheduled_at = in_days(3)

    reminder = events.reminders_for_session_scheduled(
        case=case, session_id=7, scheduled_at=scheduled_at, where="Room 2"
    )

    assert reminder.status == ReminderStatus.PENDING
    assert reminder.kind == "session_reminder"
    assert reminder.due_at == scheduled_at - timedelta(hours=24)
    assert reminder.event_at == scheduled_at
    assert reminder.location == "Room 2"
    assert reminder.idempotency_key == "session_reminder:session:7"
    assert (reminder.subject_type, reminder.subject_id) == ("session", 7)
    assert (reminder.channel, reminder.recipient) == ("email", case.patient.email)
    assert reminder.audit_patient_id == case.patient_id


def test_it_keeps_one_row_when_the_same_event_comes_twice(case):
    scheduled_at = in_days(3)

    first = events.reminders_for_session_scheduled(
        case=case, session_id=7, scheduled_at=scheduled_at
    )
    second = events.reminders_for_session_scheduled(
        case=case, session_id=7, scheduled_at=scheduled_at
    )

    assert first.pk == second.pk
    assert Reminder.objects.count() == 1


def test_it_moves_the_pending_reminder_when_the_session_moves(case):
    events.reminders_for_session_scheduled(case=case, session_id=7, scheduled_at=in_days(3))
    later = in_days(5)

    events.reminders_for_session_scheduled(case=case, session_id=7, scheduled_at=later)

    reminder = Reminder.objects.get()
    assert reminder.due_at == later - timedelta(hours=24)
    assert reminder.event_at == later
    assert reminder.status == ReminderStatus.PENDING


def test_a_move_releases_a_claim_that_has_not_started_sending(case):
    reminder = events.reminders_for_session_scheduled(
        case=case, session_id=7, scheduled_at=in_days(0.5)
    )
    assert dispatching.reminders_claim_due() == [reminder.pk]

    events.reminders_for_session_scheduled(case=case, session_id=7, scheduled_at=in_days(4))

    reminder.refresh_from_db()
    assert reminder.claim_token is None
    # The message queued for the old time finds no claim and sends nothing.
    assert dispatching.reminder_send(reminder_id=reminder.pk) == "not-claimed"


def test_a_move_later_than_a_pending_retry_waits_for_the_new_time(case):
    reminder = events.reminders_for_session_scheduled(
        case=case, session_id=7, scheduled_at=in_days(0.5)
    )
    # The mail server was away: the row waits for its next try in ten minutes.
    Reminder.objects.filter(pk=reminder.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=10), failing_since=timezone.now()
    )
    later = in_days(4)

    events.reminders_for_session_scheduled(case=case, session_id=7, scheduled_at=later)

    reminder.refresh_from_db()
    assert reminder.due_at == later - timedelta(hours=24)
    assert reminder.next_attempt_at is None
    assert dispatching.reminders_claim_due() == []


def test_a_move_earlier_than_a_pending_retry_keeps_the_retry(case):
    reminder = events.reminders_for_session_scheduled(
        case=case, session_id=7, scheduled_at=in_days(0.5)
    )
    retry_at = timezone.now() + timedelta(minutes=10)
    Reminder.objects.filter(pk=reminder.pk).update(next_attempt_at=retry_at)

    events.reminders_for_session_scheduled(case=case, session_id=7, scheduled_at=in_days(0.4))

    reminder.refresh_from_db()
    assert reminder.next_attempt_at == retry_at
    assert dispatching.reminders_claim_due() == []


def test_it_cancels_the_reminders_of_a_cancelled_session(case):
    events.reminders_for_session_scheduled(case=case, session_id=7, scheduled_at=in_days(3))
    events.reminders_for_session_scheduled(case=case, session_id=8, scheduled_at=in_days(4))

    cancelled = events.reminders_for_session_cancelled(session_id=7)

    assert cancelled == 1
    statuses = dict(Reminder.objects.values_list("subject_id", "status"))
    assert statuses == {7: "cancelled", 8: "pending"}


def test_it_revives_the_reminder_when_a_cancelled_session_is_scheduled_again(case):
    events.reminders_for_session_scheduled(case=case, session_id=7, scheduled_at=in_days(3))
    events.reminders_for_session_cancelled(session_id=7)
    again = in_days(6)

    events.reminders_for_session_scheduled(case=case, session_id=7, scheduled_at=again)

    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.PENDING
    assert reminder.due_at == again - timedelta(hours=24)


def test_a_repeat_of_an_event_already_sent_changes_nothing(case):
    scheduled_at = in_days(3)
    reminder = events.reminders_for_session_scheduled(
        case=case, session_id=7, scheduled_at=scheduled_at
    )
    Reminder.objects.filter(pk=reminder.pk).update(status="sent", sent_at=timezone.now())

    events.reminders_for_session_scheduled(case=case, session_id=7, scheduled_at=scheduled_at)

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT


def test_a_session_moved_after_its_reminder_was_sent_is_reminded_again(case):
    reminder = events.reminders_for_session_scheduled(
        case=case, session_id=7, scheduled_at=in_days(3)
    )
    Reminder.objects.filter(pk=reminder.pk).update(status="sent", sent_at=timezone.now())
    later = in_days(8)

    events.reminders_for_session_scheduled(case=case, session_id=7, scheduled_at=later)

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.PENDING
    assert reminder.sent_at is None
    assert reminder.event_at == later
    assert Reminder.objects.count() == 1


def test_it_writes_nothing_for_a_session_in_the_past(case):
    assert (
        events.reminders_for_session_scheduled(case=case, session_id=7, scheduled_at=in_days(-1))
        is None
    )
    assert not Reminder.objects.exists()


def test_a_session_less_than_a_day_away_is_due_at_once(case):
    reminder = events.reminders_for_session_scheduled(
        case=case, session_id=7, scheduled_at=in_days(0.25)
    )

    assert reminder.due_at < timezone.now()
    assert dispatching.reminders_claim_due() == [reminder.pk]


# --- No-shows -------------------------------------------------------------------------------------


def test_a_no_show_writes_the_missed_session_message_for_9_the_next_morning(case, settings):
    settings.CLINIC_TIME_ZONE = PARIS
    paris = dt.timezone(timedelta(hours=1))  # November: CET
    scheduled_at = dt.datetime(2031, 11, 26, 17, 30, tzinfo=paris)

    reminder = events.reminders_for_no_show(case=case, session_id=7, scheduled_at=scheduled_at)

    assert reminder.kind == "missed_session"
    assert reminder.idempotency_key == "missed_session:session:7"
    assert reminder.due_at == dt.datetime(2031, 11, 27, 9, 0, tzinfo=paris)


def test_a_no_show_cancels_the_session_reminder_still_pending(case):
    scheduled_at = in_days(2)
    events.reminders_for_session_scheduled(case=case, session_id=7, scheduled_at=scheduled_at)

    events.reminders_for_no_show(case=case, session_id=7, scheduled_at=scheduled_at)
    events.reminders_for_no_show(case=case, session_id=7, scheduled_at=scheduled_at)

    statuses = dict(Reminder.objects.values_list("kind", "status"))
    assert statuses == {"session_reminder": "cancelled", "missed_session": "pending"}


def test_a_no_show_corrected_cancels_the_missed_session_message(case):
    scheduled_at = in_days(-0.1)
    events.reminders_for_no_show(case=case, session_id=7, scheduled_at=scheduled_at)

    events.reminders_for_session_cancelled(session_id=7)

    assert Reminder.objects.get().status == ReminderStatus.CANCELLED


# --- Imaging referrals --------------------------------------------------------------------------


def test_a_performed_referral_warns_the_requesting_doctor_7_days_later(case, dan):
    dan.email = "dan@clinic.example"
    dan.save()
    performed_at = in_days(-1)

    reminder = events.reminders_for_referral_performed(
        case=case, referral_id=3, performed_at=performed_at, requesting_doctor=dan
    )

    assert reminder.kind == "imaging_overdue"
    assert reminder.due_at == performed_at + timedelta(days=7)
    assert (reminder.channel, reminder.recipient) == ("email", "dan@clinic.example")
    assert reminder.idempotency_key == "imaging_overdue:referral:3"
    assert reminder.for_staff


def test_a_report_cancels_the_overdue_warning(case, dan):
    events.reminders_for_referral_performed(
        case=case, referral_id=3, performed_at=in_days(-1), requesting_doctor=dan
    )

    assert events.reminders_for_referral_reported(referral_id=3) == 1
    assert events.reminders_for_referral_reported(referral_id=3) == 0
    assert Reminder.objects.get().status == ReminderStatus.CANCELLED


def test_a_doctor_without_an_email_address_gets_channel_none(case):
    doctor = UserFactory(username="nomail", email="")

    reminder = events.reminders_for_referral_performed(
        case=case, referral_id=3, performed_at=in_days(-1), requesting_doctor=doctor
    )

    assert (reminder.channel, reminder.recipient) == ("none", "")


# --- Discharge ------------------------------------------------------------------------------------


def test_a_discharge_writes_two_check_ins_at_14_and_42_days(case):
    discharged_at = in_days(0)

    events.reminders_for_discharge(case=case, discharged_at=discharged_at)
    events.reminders_for_discharge(case=case, discharged_at=discharged_at)

    rows = list(Reminder.objects.order_by("due_at").values_list("idempotency_key", "due_at"))
    assert rows == [
        (f"discharge_checkin:case:{case.pk}:14", discharged_at + timedelta(days=14)),
        (f"discharge_checkin:case:{case.pk}:42", discharged_at + timedelta(days=42)),
    ]


def test_a_patient_who_prefers_sms_is_written_to_by_sms():
    patient = PatientFactory(preferred_channel="sms", phone="+33600000000")
    case = CaseFactory(patient=patient)

    reminders = events.reminders_for_discharge(case=case, discharged_at=in_days(0))

    assert {(r.channel, r.recipient) for r in reminders} == {("sms", "+33600000000")}


def test_a_patient_without_consent_still_gets_a_row_to_be_skipped_later(case):
    case.patient.reminder_consent = False
    case.patient.save()

    reminders = events.reminders_for_discharge(case=case, discharged_at=in_days(0))

    assert [r.status for r in reminders] == ["pending", "pending"]


# --- The outbox ---------------------------------------------------------------------------------


def test_the_rows_roll_back_with_the_event_that_wrote_them(case):
    with pytest.raises(RuntimeError), transaction.atomic():
        events.reminders_for_discharge(case=case, discharged_at=in_days(0))
        raise RuntimeError("the discharge failed")

    assert not Reminder.objects.exists()


def test_the_idempotency_key_is_a_database_constraint(case):
    from django.db import IntegrityError

    events.reminders_for_discharge(case=case, discharged_at=in_days(0))
    row = Reminder.objects.first()
    row.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


# --- The return-to-run log ------------------------------------------------------------------------


def test_a_run_asks_its_next_morning_pain_at_9_the_morning_after(case, settings):
    from reminders.messages import render

    settings.CLINIC_TIME_ZONE = PARIS
    paris = dt.timezone(timedelta(hours=1))  # November: CET

    reminder = events.reminders_for_run_logged(case=case, run_id=5, run_on=dt.date(2031, 11, 26))

    assert reminder.kind == "run_next_morning"
    assert reminder.idempotency_key == "run_next_morning:run:5"
    assert reminder.due_at == dt.datetime(2031, 11, 27, 9, 0, tzinfo=paris)
    words = render(reminder)
    assert "your pain this morning" in words.body.lower()
    assert "0-10" in words.sms


def test_the_next_morning_score_cancels_the_question(case):
    events.reminders_for_run_logged(case=case, run_id=5, run_on=dt.date.today())

    assert events.reminders_for_run_answered(run_id=5) == 1
    assert Reminder.objects.get(kind="run_next_morning").status == ReminderStatus.CANCELLED
