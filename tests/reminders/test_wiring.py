"""The clinical services write their reminders in the same transaction as the event."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rehab.services.discharge import case_discharge
from rehab.services.sessions import session_cancel, session_log, session_move, session_schedule
from reminders.models import Reminder
from tests.factories import referral_for, session_booked_before
from triage.services import referrals as referral_services


def rows(**filters):
    return list(Reminder.objects.filter(**filters).values_list("kind", "status", "due_at"))


def in_days(days: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def test_it_books_a_reminder_the_day_before_a_session(rita, case):
    session = session_schedule(case=case, scheduled_at=in_days(3), by=rita)

    assert rows(subject_id=session.pk) == [
        ("session_reminder", "pending", session.scheduled_at - datetime.timedelta(hours=24))
    ]


def test_it_moves_the_reminder_with_the_session(rita, case):
    session = session_schedule(case=case, scheduled_at=in_days(3), by=rita)

    moved = session_move(session=session, scheduled_at=in_days(5), by=rita)

    assert rows(subject_id=session.pk) == [
        ("session_reminder", "pending", moved.scheduled_at - datetime.timedelta(hours=24))
    ]


def test_it_cancels_the_reminder_with_the_session(rita, case):
    session = session_schedule(case=case, scheduled_at=in_days(3), by=rita)

    session_cancel(session=session, by=rita)

    assert [(k, s) for k, s, _ in rows(subject_id=session.pk)] == [
        ("session_reminder", "cancelled")
    ]


def test_it_asks_a_patient_who_missed_a_session_to_rebook(rita, paula, case):
    session = session_booked_before(
        case, rita, scheduled_at=in_days(-0.1), ahead=datetime.timedelta(hours=1)
    )

    session_log(session=session, by=paula, status="no_show")

    # Logging cancels the session's own reminder; the missed-session message goes.
    kinds = {k: s for k, s, _ in rows(subject_id=session.pk)}
    assert kinds == {"session_reminder": "cancelled", "missed_session": "pending"}


def test_it_checks_in_14_and_42_days_after_discharge(paula, case):
    case_discharge(case=case, by=paula, summary="Back to running 30 km a week, pain-free.")

    due = sorted(d for k, _, d in rows(case=case, kind="discharge_checkin"))
    case.refresh_from_db()
    assert [(d - case.discharged_at).days for d in due] == [14, 42]


@pytest.mark.parametrize(
    ("status", "expected"),
    [("performed", "pending"), ("reported", "cancelled"), ("reviewed", "cancelled")],
)
def test_it_watches_for_a_missing_imaging_report(dan, case, status, expected):
    referral = referral_for(case, dan, status=status)

    assert [(k, s) for k, s, _ in rows(kind="imaging_overdue")] == [("imaging_overdue", expected)]
    reminder = Reminder.objects.get(kind="imaging_overdue")
    referral.refresh_from_db()
    assert reminder.due_at == referral.performed_at + datetime.timedelta(days=7)
    assert reminder.recipient == dan.email


def test_it_drops_the_report_watch_when_the_referral_is_cancelled(dan, case):
    referral = referral_for(case, dan, status="performed")

    referral_services.referral_cancel(referral=referral, by=dan, reason="Done elsewhere.")

    assert [(k, s) for k, s, _ in rows(kind="imaging_overdue")] == [
        ("imaging_overdue", "cancelled")
    ]
