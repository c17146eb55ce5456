"""How long an undeliverable reminder is tried again, and who hears when it is given up."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from kombu.exceptions import OperationalError as BrokerUnavailable

from clinic import roles
from reminders import rules, tasks
from reminders.models import Reminder, ReminderStatus
from reminders.services import alerts
from reminders.services import dispatch as dispatching
from tests.clinic.test_settings import load_settings
from tests.factories import CaseFactory, PatientFactory, UserFactory
from tests.reminders.helpers import make_reminder

T0 = dt.datetime(2031, 11, 26, 10, 0, tzinfo=dt.UTC)
POLICY = rules.RetryPolicy(
    first=timedelta(minutes=1), ceiling=timedelta(hours=1), give_up=timedelta(hours=24)
)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


# --- The schedule (a plain function) ------------------------------------------------------------


class TestTheSchedule:
    def test_the_first_failure_waits_a_minute(self):
        assert rules.next_try(T0, None, POLICY, jitter=0.0) == T0 + minutes(1)

    def test_a_wait_is_as_long_as_the_failure_has_lasted(self):
        now = T0 + minutes(10)

        assert rules.next_try(now, T0, POLICY, jitter=0.0) == now + minutes(10)

    def test_it_never_waits_less_than_the_first_wait(self):
        now = T0 + timedelta(seconds=5)

        assert rules.next_try(now, T0, POLICY, jitter=0.0) == now + minutes(1)

    def test_it_never_waits_more_than_the_ceiling(self):
        now = T0 + timedelta(hours=5)

        assert rules.next_try(now, T0, POLICY, jitter=0.0) == now + timedelta(hours=1)

    def test_jitter_shortens_a_wait_by_up_to_a_half(self):
        now = T0 + minutes(10)

        assert rules.next_try(now, T0, POLICY, jitter=0.5) == now + minutes(7.5)
        assert rules.next_try(now, T0, POLICY, jitter=0.999) > now + minutes(5)

    def test_the_last_try_is_at_the_give_up_time(self):
        now = T0 + timedelta(hours=23, minutes=30)

        assert rules.next_try(now, T0, POLICY, jitter=0.0) == T0 + timedelta(hours=24)

    def test_a_failure_at_the_give_up_time_gives_up(self):
        assert rules.next_try(T0 + timedelta(hours=24), T0, POLICY, jitter=0.0) is None
        assert rules.next_try(T0 + timedelta(hours=30), T0, POLICY, jitter=0.0) is None

    def test_the_settings_make_the_policy(self, settings):
        settings.REMINDER_RETRY_FIRST_SECONDS = 5
        settings.REMINDER_RETRY_MAX_SECONDS = 50
        settings.REMINDER_GIVE_UP_SECONDS = 500

        assert dispatching.retry_policy() == rules.RetryPolicy(
            first=timedelta(seconds=5),
            ceiling=timedelta(seconds=50),
            give_up=timedelta(seconds=500),
        )


class TestTheSettings:
    def test_the_defaults_retry_for_a_day_at_most_an_hour_apart(self, settings):
        assert dispatching.retry_policy() == POLICY

    def test_a_ceiling_below_the_first_wait_is_refused(self):
        result = load_settings(
            DJANGO_DEBUG="on", REMINDER_RETRY_FIRST_SECONDS="120", REMINDER_RETRY_MAX_SECONDS="60"
        )

        assert result.returncode != 0
        assert "REMINDER_RETRY_FIRST_SECONDS <= REMINDER_RETRY_MAX_SECONDS" in result.stderr

    def test_an_alert_address_that_is_not_one_is_refused(self):
        result = load_settings(DJANGO_DEBUG="on", REMINDER_ALERT_EMAILS="desk@clinic.example, desk")

        assert result.returncode != 0
        assert "REMINDER_ALERT_EMAILS must list email addresses, not 'desk'" in result.stderr

    def test_a_malformed_give_up_time_is_refused(self):
        result = load_settings(DJANGO_DEBUG="on", REMINDER_GIVE_UP_SECONDS="a day")

        assert result.returncode != 0
        assert "REMINDER_GIVE_UP_SECONDS must be an integer" in result.stderr


# --- Telling the clinic -------------------------------------------------------------------------


class FailingEmailBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def ada(ada):
    """Ada, with the address the alert goes to."""
    ada.email = "ada@clinic.example"
    ada.save(update_fields=["email"])
    return ada


@pytest.fixture
def failed(case):
    return make_reminder(case, status="failed", attempts=31, last_error="SMTPServerDisconnected")


@pytest.mark.django_db
class TestTheFailureAlert:
    def test_it_emails_the_admins_once_about_failed_reminders(self, ada, case, failed):
        other = make_reminder(CaseFactory(), status="failed", last_error="SMTPDataError 554")
        make_reminder(case, status="skipped", skip_reason="The patient has not consented.")
        make_reminder(case)  # pending: still being tried

        assert alerts.reminders_alert_failures() == 2

        (alert,) = mail.outbox
        assert alert.to == [ada.email]
        assert alert.subject.endswith("2 reminders could not be delivered")
        assert f"reminder #{failed.pk} (case #{case.pk})" in alert.body
        assert f"reminder #{other.pk} (case #{other.case_id})" in alert.body
        assert "SMTPServerDisconnected" in alert.body
        assert "/admin/reminders/reminder/?status__exact=failed" in alert.body
        # Like every staff message it names no patient.
        assert case.patient.family_name not in alert.body
        assert case.patient.email not in alert.body
        # Told once: the next run has nothing new to say.
        assert alerts.reminders_alert_failures() == 0
        assert len(mail.outbox) == 1
        assert Reminder.objects.filter(alerted_at__isnull=True, status="failed").count() == 0

    def test_it_writes_to_every_active_admin_and_the_extra_addresses(self, case, failed, settings):
        settings.REMINDER_ALERT_EMAILS = ["desk@clinic.example"]
        UserFactory(username="ada2", role=roles.ADMIN, email="ada2@clinic.example")
        UserFactory(username="gone", role=roles.ADMIN, email="gone@clinic.example", is_active=False)
        UserFactory(username="rita2", role=roles.RECEPTION, email="rita2@clinic.example")
        UserFactory(username="noaddress", role=roles.ADMIN, email="")

        alerts.reminders_alert_failures()

        (alert,) = mail.outbox
        assert alert.to == ["ada2@clinic.example", "desk@clinic.example"]

    def test_an_alert_the_mail_server_refused_is_sent_by_a_later_run(self, ada, failed, settings):
        settings.EMAIL_BACKEND = f"{__name__}.FailingEmailBackend"

        assert alerts.reminders_alert_failures() == 0

        failed.refresh_from_db()
        assert failed.alerted_at is None
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert alerts.reminders_alert_failures() == 1
        assert len(mail.outbox) == 1

    def test_without_anybody_to_tell_the_error_log_is_the_alert(self, failed, caplog):
        with caplog.at_level(logging.ERROR, logger="reminders.services.alerts"):
            assert alerts.reminders_alert_failures() == 1

        assert "1 reminders failed and nobody can be told" in caplog.text
        assert mail.outbox == []

    def test_a_reminder_given_up_is_alerted_by_the_next_run(self, ada, case, settings):
        settings.REMINDER_QUIET_HOURS = None
        settings.EMAIL_BACKEND = f"{__name__}.FailingEmailBackend"
        with time_machine.travel(T0, tick=False):
            reminder = make_reminder(case, event_at=T0 + timedelta(days=3))
            Reminder.objects.filter(pk=reminder.pk).update(failing_since=T0 - timedelta(days=1))
            ids = dispatching.reminders_claim_due()
            assert dispatching.reminders_send_batch(reminder_ids=ids).outcomes == {
                reminder.pk: "failed"
            }
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

        assert tasks.alert_failed_reminders.apply().get() == 1
        assert f"reminder #{reminder.pk}" in mail.outbox[0].body

    def test_the_alert_runs_every_five_minutes(self, settings):
        entry = settings.CELERY_BEAT_SCHEDULE["alert-failed-reminders"]

        assert entry["task"] == "reminders.tasks.alert_failed_reminders"
        assert entry["schedule"] == 300.0


# --- A broker that does not take the batch --------------------------------------------------------


@pytest.mark.django_db
def test_a_broker_refusing_a_batch_leaves_the_rows_for_the_lease(
    monkeypatch, django_capture_on_commit_callbacks, settings
):
    settings.REMINDER_QUIET_HOURS = None
    with time_machine.travel(T0, tick=False):
        reminder = make_reminder(
            CaseFactory(patient=PatientFactory()), event_at=T0 + timedelta(days=1)
        )

        def broker_down(ids):
            raise BrokerUnavailable("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

        monkeypatch.setattr(tasks.send_reminders, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.dispatch_due_reminders() == 1

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.PENDING
    assert reminder.claim_token is not None
    after_lease = T0 + timedelta(seconds=settings.REMINDER_LEASE_SECONDS + 1)
    with time_machine.travel(after_lease, tick=False):
        assert dispatching.reminders_claim_due() == [reminder.pk]


def test_a_lost_message_is_claimed_again_within_three_minutes(settings):
    # The lease plus one dispatcher period (beat runs it every 60 s): docs/reminders.md.
    assert settings.REMINDER_LEASE_SECONDS + 60 <= 180
    # ... and it still outlives a send task's hard limit: a live send is never claimed again.
    assert settings.REMINDER_LEASE_SECONDS > 2 * tasks.SEND_TIME_LIMIT
