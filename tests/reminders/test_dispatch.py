"""The dispatcher claims due reminders and the worker sends each one once."""

from __future__ import annotations

import datetime as dt
import itertools
import smtplib
import threading
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.utils import timezone

from reminders import rules, sms, tasks
from reminders.models import Reminder, ReminderStatus
from reminders.services import actions, delivery, events
from reminders.services import dispatch as dispatching
from tests.factories import CaseFactory, PatientFactory
from tests.reminders.helpers import dispatch_until_settled, make_reminder, run_dispatch

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def _clean_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def dispatch(monkeypatch, django_capture_on_commit_callbacks):
    """``dispatch()`` runs the dispatcher, each send in this process; answers the outcomes."""
    return lambda: run_dispatch(monkeypatch, django_capture_on_commit_callbacks)


@pytest.fixture
def no_quiet_hours(settings):
    settings.REMINDER_QUIET_HOURS = None


class FlakyEmailBackend(BaseEmailBackend):
    """Fails the first ``failures`` sends with ``error``, then delivers to mail.outbox."""

    calls = 0
    failures = 0
    error: Exception = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    def send_messages(self, messages):
        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            raise type(self).error
        mail.outbox.extend(messages)
        return len(messages)


class OutageEmailBackend(BaseEmailBackend):
    """A mail server that refuses connections until ``down_until``, then delivers."""

    down_until: dt.datetime | None = None

    def open(self):
        if self.down_until is not None and timezone.now() < self.down_until:
            raise ConnectionRefusedError(111, "Connection refused")
        return False

    def send_messages(self, messages):
        self.open()
        mail.outbox.extend(messages)
        return len(messages)


class RefusingSmsBackend(sms.BaseSmsBackend):
    """A provider that refuses every number for good."""

    def send(self, to, body):
        raise sms.SmsError("invalid number", transient=False)


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyEmailBackend"
    FlakyEmailBackend.calls = 0
    FlakyEmailBackend.failures = 0
    FlakyEmailBackend.error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    return FlakyEmailBackend


# --- Sending ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("no_quiet_hours")
class TestSending:
    def test_it_sends_a_due_reminder_by_email_once(self, case, dispatch):
        reminder = make_reminder(case, location="Room 2")

        assert dispatch() == ["sent"]
        assert dispatch() == []

        reminder.refresh_from_db()
        assert reminder.status == ReminderStatus.SENT
        assert reminder.sent_at is not None
        assert reminder.attempts == 1
        assert reminder.claim_token is None and reminder.sending_at is None
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [case.patient.email]
        assert "Talus Sports Physiotherapy" in message.subject
        assert "Room 2" in message.body
        assert "/reminders/stop/" in message.body
        assert message.extra_headers["X-Talus-Reminder"] == str(reminder.pk)
        assert message.extra_headers["List-Unsubscribe"].startswith("<http")

    def test_a_resent_reminder_is_the_same_message(self, case, settings):
        """Sent twice (a kill after the server took it), the Message-ID does not change."""
        settings.DEFAULT_FROM_EMAIL = "Clinic <desk@clinic.example>"
        reminder = make_reminder(case)
        other = make_reminder(CaseFactory())
        delivery.deliver(reminder, "email", case.patient.email)
        delivery.deliver(reminder, "email", case.patient.email)
        delivery.deliver(other, "email", other.case.patient.email)

        ids = [m.message()["Message-ID"] for m in mail.outbox]
        assert ids[0] == ids[1] == f"<reminder-{reminder.pk}@clinic.example>"
        assert ids[2] == f"<reminder-{other.pk}@clinic.example>"

    def test_it_says_when_in_the_clinic_time_zone(self, case, dispatch, settings):
        settings.CLINIC_TIME_ZONE = "Europe/Paris"
        make_reminder(case, event_at=dt.datetime(2031, 11, 27, 13, 30, tzinfo=dt.UTC))

        dispatch()

        assert "Thursday 27 November at 14:30" in mail.outbox[0].body

    def test_it_leaves_a_reminder_that_is_not_due_yet(self, case, dispatch):
        reminder = make_reminder(case, due_at=timezone.now() + timedelta(minutes=5))

        assert dispatch() == []
        reminder.refresh_from_db()
        assert reminder.status == ReminderStatus.PENDING
        assert reminder.claim_token is None

    def test_it_sends_a_text_message_through_the_sms_backend(self, dispatch):
        patient = PatientFactory(preferred_channel="sms", phone="+33611111111")
        make_reminder(CaseFactory(patient=patient))

        assert dispatch() == ["sent"]

        assert [m.to for m in sms.outbox] == ["+33611111111"]
        assert "/reminders/stop/" in sms.outbox[0].body
        assert mail.outbox == []

    def test_it_writes_to_the_address_the_patient_has_now(self, case, dispatch):
        make_reminder(case)
        case.patient.email = "new.address@example.org"
        case.patient.save()

        dispatch()

        assert mail.outbox[0].to == ["new.address@example.org"]
        assert Reminder.objects.get().recipient == "new.address@example.org"

    def test_it_skips_a_patient_without_consent_with_the_reason(self, case, dispatch):
        case.patient.reminder_consent = False
        case.patient.save()
        reminder = make_reminder(case)

        assert dispatch() == ["skipped"]

        reminder.refresh_from_db()
        assert reminder.status == ReminderStatus.SKIPPED
        assert reminder.skip_reason == "The patient has not consented to reminders."
        assert reminder.attempts == 0
        assert mail.outbox == []

    def test_it_skips_a_patient_whose_channel_is_none(self, case, dispatch):
        case.patient.preferred_channel = "none"
        case.patient.save()
        reminder = make_reminder(case)

        assert dispatch() == ["skipped"]

        reminder.refresh_from_db()
        assert reminder.skip_reason == "The patient's preferred channel is none."
        assert mail.outbox == [] and sms.outbox == []

    def test_it_skips_a_session_reminder_whose_session_has_passed(self, case, dispatch):
        reminder = make_reminder(case, event_at=timezone.now() - timedelta(minutes=1))

        assert dispatch() == ["skipped"]
        reminder.refresh_from_db()
        assert reminder.skip_reason == "The session time has passed."

    def test_it_writes_to_the_doctor_whatever_the_patient_consented_to(self, case, dan, dispatch):
        case.patient.reminder_consent = False
        case.patient.preferred_channel = "none"
        case.patient.save()
        dan.email = "dan@clinic.example"
        dan.save()
        events.reminders_for_referral_performed(
            case=case,
            referral_id=3,
            performed_at=timezone.now() - timedelta(days=8),
            requesting_doctor=dan,
        )

        assert dispatch() == ["sent"]

        message = mail.outbox[0]
        assert message.to == ["dan@clinic.example"]
        assert "referral #3" in message.subject
        # Staff messages name no patient and carry no opt-out link.
        assert case.patient.family_name not in message.body
        assert "/reminders/stop/" not in message.body

    def test_a_cancelled_reminder_is_not_sent_by_a_message_already_queued(self, case):
        reminder = make_reminder(case)
        dispatching.reminders_claim_due()
        actions.reminder_cancel(reminder=reminder)

        assert dispatching.reminder_send(reminder_id=reminder.pk) == "not-pending"
        assert mail.outbox == []

    def test_a_second_message_for_the_same_claim_sends_nothing(self, case):
        reminder = make_reminder(case)
        dispatching.reminders_claim_due()

        assert dispatching.reminder_send(reminder_id=reminder.pk) == "sent"
        assert dispatching.reminder_send(reminder_id=reminder.pk) == "not-pending"
        assert len(mail.outbox) == 1

    def test_it_claims_in_batches_and_queues_each_reminder_once(
        self, monkeypatch, django_capture_on_commit_callbacks
    ):
        monkeypatch.setattr(dispatching, "CLAIM_BATCH_SIZE", 2)
        reminders = [make_reminder(CaseFactory()) for _ in range(5)]
        batches = []
        monkeypatch.setattr(tasks.send_reminders, "delay", batches.append)

        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.dispatch_due_reminders() == 5

        queued = [pk for batch in batches for pk in batch]
        assert sorted(queued) == sorted(r.pk for r in reminders)

    def test_it_queues_one_send_task_per_send_batch(
        self, monkeypatch, django_capture_on_commit_callbacks
    ):
        monkeypatch.setattr(dispatching, "CLAIM_BATCH_SIZE", 7)
        monkeypatch.setattr(dispatching, "SEND_BATCH_SIZE", 3)
        reminders = [make_reminder(CaseFactory()) for _ in range(10)]
        batches = []
        monkeypatch.setattr(tasks.send_reminders, "delay", batches.append)

        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.dispatch_due_reminders() == 10

        # Claims of 7 and 3, each cut into tasks of at most 3 ids.
        assert [len(batch) for batch in batches] == [3, 3, 1, 3]
        assert sorted(pk for batch in batches for pk in batch) == sorted(r.pk for r in reminders)

    def test_a_run_claims_no_more_than_reminder_dispatch_max(
        self, settings, monkeypatch, django_capture_on_commit_callbacks
    ):
        settings.REMINDER_DISPATCH_MAX = 3
        monkeypatch.setattr(dispatching, "CLAIM_BATCH_SIZE", 2)
        for _ in range(5):
            make_reminder(CaseFactory())
        batches = []
        monkeypatch.setattr(tasks.send_reminders, "delay", batches.append)

        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.dispatch_due_reminders() == 3

        assert sum(len(batch) for batch in batches) == 3
        assert Reminder.objects.filter(claim_token__isnull=True).count() == 2

    def test_it_queues_nothing_before_the_claim_commits(
        self, case, monkeypatch, django_capture_on_commit_callbacks
    ):
        make_reminder(case)
        queued = []
        monkeypatch.setattr(tasks.send_reminders, "delay", queued.append)

        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            tasks.dispatch_due_reminders()

        assert queued == []
        assert len(callbacks) == 1


# --- Retries ------------------------------------------------------------------------------------


@pytest.fixture
def no_jitter(monkeypatch):
    """Retries wait exactly the schedule's time (jitter only ever shortens a wait)."""
    monkeypatch.setattr(dispatching.random, "random", lambda: 0.0)


class RecordingFlakyEmailBackend(FlakyEmailBackend):
    """FlakyEmailBackend that notes when each send was tried."""

    tried_at: list = []

    def send_messages(self, messages):
        type(self).tried_at.append(timezone.now())
        return super().send_messages(messages)


@pytest.mark.django_db
@pytest.mark.usefixtures("no_quiet_hours")
class TestRetries:
    START = dt.datetime(2031, 11, 26, 10, 0, tzinfo=dt.UTC)

    def test_it_retries_a_transient_failure_and_then_sends(
        self, case, dispatch, flaky_mail, no_jitter
    ):
        flaky_mail.failures = 2
        with time_machine.travel(self.START, tick=False):
            reminder = make_reminder(case)
            assert dispatch() == ["retry"]

        reminder.refresh_from_db()
        # The retry waits in the outbox, not in a worker's memory: claim released, next try set.
        assert reminder.status == ReminderStatus.PENDING
        assert reminder.claim_token is None
        assert reminder.sending_at is None
        assert reminder.next_attempt_at == self.START + timedelta(seconds=60)
        assert reminder.failing_since == self.START
        assert reminder.last_error == "SMTPServerDisconnected"
        with time_machine.travel(self.START + timedelta(seconds=59), tick=False):
            assert dispatch() == []
        with time_machine.travel(self.START + timedelta(seconds=60), tick=False):
            assert dispatch() == ["retry"]
        with time_machine.travel(self.START + timedelta(seconds=120), tick=False):
            assert dispatch() == ["sent"]

        reminder.refresh_from_db()
        assert reminder.status == ReminderStatus.SENT
        assert reminder.attempts == 3
        assert reminder.last_error == ""
        assert reminder.next_attempt_at is None
        assert reminder.failing_since is None
        assert len(mail.outbox) == 1

    def test_a_retry_is_not_handed_to_the_workers_memory(
        self, case, dispatch, flaky_mail, monkeypatch
    ):
        flaky_mail.failures = 1

        def countdown_retry(*args, **kwargs):
            raise AssertionError("A retry was queued in the broker with a countdown.")

        monkeypatch.setattr(tasks.send_reminder, "apply_async", countdown_retry)
        monkeypatch.setattr(tasks.send_reminders, "apply_async", countdown_retry)
        with time_machine.travel(self.START, tick=False):
            reminder = make_reminder(case)
            assert dispatch() == ["retry"]

        # A worker restart now loses nothing: the row itself says when to try again.
        reminder.refresh_from_db()
        with time_machine.travel(reminder.next_attempt_at, tick=False):
            assert dispatch() == ["sent"]

    def test_it_keeps_trying_for_24_hours_then_fails_with_the_last_error(
        self, case, dispatch, settings, no_jitter
    ):
        settings.EMAIL_BACKEND = f"{__name__}.RecordingFlakyEmailBackend"
        RecordingFlakyEmailBackend.calls = 0
        RecordingFlakyEmailBackend.failures = 10_000
        RecordingFlakyEmailBackend.tried_at = []
        with time_machine.travel(self.START, tick=False):
            reminder = make_reminder(case, event_at=self.START + timedelta(days=3))

        dispatch_until_settled(dispatch, start=self.START)

        tried = RecordingFlakyEmailBackend.tried_at
        gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(tried)]
        # The wait doubles from a minute with the failure's length, is never over an hour,
        # and the last try is 24 h after the first failure.
        assert gaps == [60, 60, 120, 240, 480, 960, 1920] + [3600] * 22 + [3360]
        assert tried[-1] == self.START + timedelta(hours=24)
        reminder.refresh_from_db()
        assert reminder.status == ReminderStatus.FAILED
        assert reminder.attempts == len(tried) == 31
        assert reminder.last_error == "SMTPServerDisconnected"
        assert reminder.updated_at == self.START + timedelta(hours=24)
        assert reminder.next_attempt_at is None
        assert mail.outbox == []
        # A failed row is final: the dispatcher leaves it alone.
        with time_machine.travel(self.START + timedelta(days=2), tick=False):
            assert dispatch() == []

    def test_a_ten_minute_outage_delays_the_message_and_fails_nothing(
        self, case, dispatch, settings, no_jitter
    ):
        settings.EMAIL_BACKEND = f"{__name__}.OutageEmailBackend"
        OutageEmailBackend.down_until = self.START + timedelta(minutes=10)
        with time_machine.travel(self.START, tick=False):
            reminder = make_reminder(case)

        dispatch_until_settled(dispatch, start=self.START)

        reminder.refresh_from_db()
        assert reminder.status == ReminderStatus.SENT
        # Tried at 0, 1, 2, 4 and 8 minutes while the server was away; sent at 16.
        assert reminder.attempts == 6
        assert reminder.sent_at == self.START + timedelta(minutes=16)
        assert len(mail.outbox) == 1

    def test_a_refused_address_fails_at_once_without_quoting_it(self, case, dispatch, flaky_mail):
        flaky_mail.failures = 99
        flaky_mail.error = smtplib.SMTPRecipientsRefused(
            {case.patient.email: (550, b"5.1.1 No such user")}
        )
        reminder = make_reminder(case)

        assert dispatch() == ["failed"]

        reminder.refresh_from_db()
        assert reminder.attempts == 1
        assert reminder.last_error == "SMTPRecipientsRefused"
        assert case.patient.email not in reminder.last_error

    def test_a_5xx_answer_fails_at_once_with_its_code(self, case, dispatch, flaky_mail):
        flaky_mail.failures = 99
        flaky_mail.error = smtplib.SMTPDataError(554, b"Message rejected")
        reminder = make_reminder(case)

        assert dispatch() == ["failed"]
        reminder.refresh_from_db()
        assert reminder.last_error == "SMTPDataError 554"

    def test_a_4xx_answer_is_retried(self, case, dispatch, flaky_mail):
        flaky_mail.failures = 1
        flaky_mail.error = smtplib.SMTPDataError(451, b"Try again later")
        with time_machine.travel(self.START, tick=False):
            reminder = make_reminder(case)
            assert dispatch() == ["retry"]
        reminder.refresh_from_db()
        assert reminder.last_error == "SMTPDataError 451"

        with time_machine.travel(reminder.next_attempt_at, tick=False):
            assert dispatch() == ["sent"]
        reminder.refresh_from_db()
        assert reminder.attempts == 2

    def test_an_sms_provider_refusal_fails_at_once(self, dispatch, settings):
        settings.SMS_BACKEND = f"{__name__}.RefusingSmsBackend"
        patient = PatientFactory(preferred_channel="sms", phone="+33611111111")
        reminder = make_reminder(CaseFactory(patient=patient))

        assert dispatch() == ["failed"]
        reminder.refresh_from_db()
        assert reminder.last_error == "SmsError"


# --- Quiet hours --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("local_time", "quiet", "until"),
    [
        ("2031-11-26 20:59", (21, 8), None),
        ("2031-11-26 21:00", (21, 8), "2031-11-27 08:00"),
        ("2031-11-26 23:30", (21, 8), "2031-11-27 08:00"),
        ("2031-11-27 03:00", (21, 8), "2031-11-27 08:00"),
        ("2031-11-27 08:00", (21, 8), None),
        ("2031-11-27 13:00", (12, 14), "2031-11-27 14:00"),
        ("2031-11-27 14:00", (12, 14), None),
        ("2031-11-27 23:00", None, None),
    ],
)
def test_quiet_hours_wrap_midnight_and_end_in_the_morning(local_time, quiet, until):
    now = dt.datetime.fromisoformat(local_time).replace(tzinfo=PARIS)
    expected = dt.datetime.fromisoformat(until).replace(tzinfo=PARIS) if until else None

    assert rules.quiet_until(now, quiet, PARIS) == expected


@pytest.mark.django_db
class TestQuietHours:
    @pytest.fixture(autouse=True)
    def _paris_21_to_8(self, settings):
        settings.CLINIC_TIME_ZONE = "Europe/Paris"
        settings.REMINDER_QUIET_HOURS = (21, 8)

    def test_the_dispatcher_queues_nothing_in_quiet_hours(self, case, dispatch):
        with time_machine.travel(dt.datetime(2031, 11, 26, 22, 30, tzinfo=PARIS), tick=False):
            make_reminder(case)
            assert dispatch() == []
        assert mail.outbox == []

    def test_a_send_that_meets_quiet_hours_waits_for_the_morning(self, case, dispatch):
        with time_machine.travel(dt.datetime(2031, 11, 26, 20, 59, tzinfo=PARIS), tick=False):
            reminder = make_reminder(case, event_at=timezone.now() + timedelta(days=2))
            dispatching.reminders_claim_due()
        with time_machine.travel(dt.datetime(2031, 11, 26, 21, 0, 30, tzinfo=PARIS), tick=False):
            # The worker took the message after 21:00.
            assert dispatching.reminder_send(reminder_id=reminder.pk) == "deferred"

        reminder.refresh_from_db()
        assert reminder.status == ReminderStatus.PENDING
        assert reminder.due_at == dt.datetime(2031, 11, 27, 8, 0, tzinfo=PARIS)
        assert reminder.claim_token is None
        assert reminder.attempts == 0
        assert mail.outbox == []

        with time_machine.travel(dt.datetime(2031, 11, 27, 7, 59, tzinfo=PARIS), tick=False):
            assert dispatch() == []
        with time_machine.travel(dt.datetime(2031, 11, 27, 8, 0, tzinfo=PARIS), tick=False):
            assert dispatch() == ["sent"]
        assert len(mail.outbox) == 1

    def test_an_empty_setting_sends_at_any_hour(self, case, dispatch, settings):
        settings.REMINDER_QUIET_HOURS = None
        with time_machine.travel(dt.datetime(2031, 11, 26, 23, 30, tzinfo=PARIS), tick=False):
            make_reminder(case, event_at=timezone.now() + timedelta(days=1))
            assert dispatch() == ["sent"]


# --- A worker killed mid-way --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("no_quiet_hours")
class TestCrashedWorker:
    START = dt.datetime(2031, 11, 26, 10, 0, tzinfo=dt.UTC)

    def test_a_reminder_claimed_by_a_dead_worker_is_sent_once_after_the_lease(
        self, case, dispatch, settings
    ):
        with time_machine.travel(self.START, tick=False):
            reminder = make_reminder(case)
            # The dispatcher claimed it and queued the message; the worker died before sending.
            assert dispatching.reminders_claim_due() == [reminder.pk]
        with time_machine.travel(self.START + timedelta(seconds=60), tick=False):
            # Within the lease nobody takes it again.
            assert dispatch() == []
        after_lease = self.START + timedelta(seconds=settings.REMINDER_LEASE_SECONDS + 1)
        with time_machine.travel(after_lease, tick=False):
            assert dispatch() == ["sent"]
            assert dispatch() == []

        assert len(mail.outbox) == 1
        reminder.refresh_from_db()
        assert reminder.status == ReminderStatus.SENT
        assert reminder.attempts == 1

    def test_a_worker_killed_after_claiming_the_send_is_tried_again_after_the_lease(
        self, case, dispatch, settings, no_jitter
    ):
        with time_machine.travel(self.START, tick=False):
            reminder = make_reminder(case)
            dispatching.reminders_claim_due()
            # The worker won the conditional UPDATE, then was killed before the mail server
            # (the attempt is counted once its outcome is known: here, after the lease).
            Reminder.objects.filter(pk=reminder.pk).update(sending_at=timezone.now())
            # The broker re-delivers its message (acks_late): it sees a send under way.
            assert dispatching.reminder_send(reminder_id=reminder.pk) == "in-progress"
        after_lease = self.START + timedelta(seconds=settings.REMINDER_LEASE_SECONDS + 1)
        with time_machine.travel(after_lease, tick=False):
            # The attempt had no outcome: it counts as a failure, and waits like one.
            assert dispatch() == []
        reminder.refresh_from_db()
        assert reminder.sending_at is None
        assert reminder.claim_token is None
        assert reminder.last_error == dispatching.NO_OUTCOME
        assert reminder.next_attempt_at == after_lease + timedelta(seconds=60)
        with time_machine.travel(reminder.next_attempt_at, tick=False):
            assert dispatch() == ["sent"]

        assert len(mail.outbox) == 1
        reminder.refresh_from_db()
        assert reminder.attempts == 2

    def test_a_reminder_that_keeps_killing_workers_ends_failed(self, case, dispatch, settings):
        with time_machine.travel(self.START, tick=False):
            reminder = make_reminder(case)
            dispatching.reminders_claim_due()
            # Its sends have been dying for a day; the last one died too.
            Reminder.objects.filter(pk=reminder.pk).update(
                sending_at=timezone.now(),
                attempts=30,
                failing_since=self.START - timedelta(hours=24),
            )
        after_lease = self.START + timedelta(seconds=settings.REMINDER_LEASE_SECONDS + 1)
        with time_machine.travel(after_lease, tick=False):
            assert dispatch() == []

        reminder.refresh_from_db()
        assert reminder.status == ReminderStatus.FAILED
        assert reminder.last_error == "No outcome after the last attempt."
        assert reminder.sending_at is None
        assert mail.outbox == []


# --- Concurrency on PostgreSQL ------------------------------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SKIP LOCKED and concurrent connections need PostgreSQL (SQLite has one writer).",
)


def _in_thread(target, results, *args):
    def run():
        try:
            results.append(target(*args))
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("no_quiet_hours")
class TestConcurrentDispatchers:
    def test_two_dispatchers_claim_disjoint_rows(self, monkeypatch):
        reminders = [make_reminder(CaseFactory()) for _ in range(10)]
        holding = threading.Event()
        release = threading.Event()
        claims: list[list[int]] = []

        def slow_dispatcher():
            with transaction.atomic():
                ids = dispatching.reminders_claim_due(batch_size=6)
                holding.set()
                release.wait(timeout=30)
            return ids

        def fast_dispatcher():
            holding.wait(timeout=30)
            with transaction.atomic():
                ids = dispatching.reminders_claim_due(batch_size=100)
            release.set()
            return ids

        threads = [
            _in_thread(slow_dispatcher, claims),
            _in_thread(fast_dispatcher, claims),
        ]
        for thread in threads:
            thread.join(timeout=60)

        first, second = claims
        assert len(first) + len(second) == 10
        assert not set(first) & set(second)
        assert set(first) | set(second) == {r.pk for r in reminders}

    def test_two_workers_with_every_message_twice_send_each_reminder_once(self):
        reminders = [make_reminder(CaseFactory()) for _ in range(20)]
        with transaction.atomic():
            ids = dispatching.reminders_claim_due()
        barrier = threading.Barrier(2)
        outcomes: list[list[str]] = []

        def worker():
            barrier.wait(timeout=30)
            return [dispatching.reminder_send(reminder_id=pk) for pk in ids]

        threads = [_in_thread(worker, outcomes), _in_thread(worker, outcomes)]
        for thread in threads:
            thread.join(timeout=120)

        sent = [o for worker_outcomes in outcomes for o in worker_outcomes if o == "sent"]
        assert len(sent) == 20
        assert sorted(m.extra_headers["X-Talus-Reminder"] for m in mail.outbox) == sorted(
            str(r.pk) for r in reminders
        )
        assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}

    def test_two_full_dispatch_runs_at_once_send_each_reminder_once(self, monkeypatch):
        reminders = [make_reminder(CaseFactory()) for _ in range(30)]
        monkeypatch.setattr(dispatching, "CLAIM_BATCH_SIZE", 4)
        monkeypatch.setattr(
            tasks.send_reminders,
            "delay",
            lambda ids: dispatching.reminders_send_batch(reminder_ids=ids),
        )
        barrier = threading.Barrier(2)
        counts: list[int] = []

        def dispatcher():
            barrier.wait(timeout=30)
            return tasks.dispatch_due_reminders()

        threads = [_in_thread(dispatcher, counts), _in_thread(dispatcher, counts)]
        for thread in threads:
            thread.join(timeout=120)

        assert sum(counts) == 30
        assert len(mail.outbox) == 30
        assert len({m.extra_headers["X-Talus-Reminder"] for m in mail.outbox}) == 30
        assert Reminder.objects.filter(status="sent").count() == len(reminders)
