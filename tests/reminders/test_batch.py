"""The batch send path: one mail connection per batch, a failing row retried alone, the
same exactly-once guarantees as a single send (two batches over the same ids, a kill)."""

from __future__ import annotations

import datetime as dt
import smtplib
import threading
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SmtpEmailBackend
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from reminders import sms, tasks
from reminders.models import Reminder, ReminderStatus
from reminders.services import dispatch as dispatching
from tests.factories import CaseFactory, PatientFactory
from tests.reminders.helpers import dispatch_until_settled, make_reminder, run_dispatch
from tests.reminders.smtp_counter import CountingSMTPServer, free_port

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_quiet_hours")]


@pytest.fixture
def no_quiet_hours(settings):
    settings.REMINDER_QUIET_HOURS = None


@pytest.fixture(autouse=True)
def _clean_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def dispatch(monkeypatch, django_capture_on_commit_callbacks):
    return lambda: run_dispatch(monkeypatch, django_capture_on_commit_callbacks)


def _claim() -> list[int]:
    """The dispatcher's claim, in id order: the order a batch sends its rows in (the claim
    itself comes in due order, and rows due at one instant come in no particular order)."""
    with transaction.atomic():
        return sorted(dispatching.reminders_claim_due())


class CountingSmtpBackend(SmtpEmailBackend):
    """Django's SMTP backend, counting the connections it opens to the server."""

    opened = 0

    def open(self):
        opened = super().open()
        if opened:
            type(self).opened += 1
        return opened


@pytest.fixture
def smtp(settings):
    with CountingSMTPServer() as server:
        settings.EMAIL_BACKEND = f"{__name__}.CountingSmtpBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        CountingSmtpBackend.opened = 0
        yield server


class PickyEmailBackend(BaseEmailBackend):
    """Refuses messages to ``refuse`` (``times`` times each) with ``error``; delivers the rest."""

    refuse: set[str] = set()
    times = 1
    error: Exception = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    refused: list[str] = []

    def send_messages(self, messages):
        for message in messages:
            (to,) = message.to
            if to in type(self).refuse and type(self).refused.count(to) < type(self).times:
                type(self).refused.append(to)
                raise type(self).error
            mail.outbox.append(message)
        return len(messages)


@pytest.fixture
def picky_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}.PickyEmailBackend"
    PickyEmailBackend.refuse = set()
    PickyEmailBackend.times = 1
    PickyEmailBackend.error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    PickyEmailBackend.refused = []
    return PickyEmailBackend


def _sent_ids() -> list[int]:
    return sorted(int(m.extra_headers["X-Talus-Reminder"]) for m in mail.outbox)


class TestOneConnectionPerBatch:
    def test_a_batch_mails_every_message_over_one_smtp_connection(self, smtp, dispatch):
        reminders = [make_reminder(CaseFactory()) for _ in range(6)]

        assert dispatch() == ["sent"] * 6

        assert CountingSmtpBackend.opened == 1
        assert smtp.total == 6
        assert set(smtp.by_reminder) == {str(r.pk) for r in reminders}
        assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}

    def test_each_batch_opens_its_own_connection(self, smtp, dispatch, monkeypatch):
        monkeypatch.setattr(dispatching, "SEND_BATCH_SIZE", 2)
        for _ in range(5):
            make_reminder(CaseFactory())

        assert dispatch() == ["sent"] * 5

        assert CountingSmtpBackend.opened == 3
        assert smtp.total == 5

    def test_a_batch_costs_two_queries_and_then_one_per_message(self):
        reminders = [make_reminder(CaseFactory()) for _ in range(5)]
        ids = _claim()

        with CaptureQueriesContext(connection) as queries:
            result = dispatching.reminders_send_batch(reminder_ids=ids)

        assert result.outcomes == {r.pk: "sent" for r in reminders}
        # One SELECT (rows, cases and patients joined), one UPDATE taking the send claim of
        # the five, then per message its ``sent`` UPDATE.
        assert len(queries) == 2 + 5
        assert set(Reminder.objects.values_list("attempts", flat=True)) == {1}

    def test_a_batch_sends_only_the_rows_whose_send_claim_it_won(self, monkeypatch):
        reminders = [make_reminder(CaseFactory()) for _ in range(3)]
        ids = _claim()
        real_load = dispatching._load

        def load_then_lose_one(reminder_ids):
            rows = real_load(reminder_ids)
            # Between the batch's read and its send claim, the row is claimed anew.
            Reminder.objects.filter(pk=ids[1]).update(claim_token=uuid.uuid4())
            return rows

        monkeypatch.setattr(dispatching, "_load", load_then_lose_one)

        outcomes = dispatching.reminders_send_batch(reminder_ids=ids).outcomes

        assert outcomes == {ids[0]: "sent", ids[1]: "lost-race", ids[2]: "sent"}
        assert _sent_ids() == [ids[0], ids[2]]
        lost = Reminder.objects.get(pk=ids[1])
        assert (lost.status, lost.sending_at, lost.attempts) == ("pending", None, 0)
        assert len(reminders) == 3

    def test_text_messages_share_one_backend_per_batch(self, dispatch, settings, monkeypatch):
        made = []
        original = sms.get_backend

        def counting_backend():
            made.append(1)
            return original()

        monkeypatch.setattr(sms, "get_backend", counting_backend)
        for _ in range(4):
            patient = PatientFactory(preferred_channel="sms", phone="+33612345678")
            make_reminder(CaseFactory(patient=patient))

        assert dispatch() == ["sent"] * 4

        assert len(made) == 1
        assert len(sms.outbox) == 4


class TestAFailureInABatch:
    START = dt.datetime(2031, 11, 26, 10, 0, tzinfo=dt.UTC)

    def test_a_transient_failure_is_retried_alone_while_the_others_are_sent(
        self, picky_mail, dispatch
    ):
        with time_machine.travel(self.START, tick=False):
            reminders = [make_reminder(CaseFactory()) for _ in range(4)]
            flaky = reminders[1]
            picky_mail.refuse = {flaky.recipient}

            outcomes = tasks.send_reminders.apply(args=[_claim()]).get()

        assert outcomes == {str(r.pk): ("retry" if r == flaky else "sent") for r in reminders}
        assert _sent_ids() == sorted(r.pk for r in reminders if r != flaky)
        flaky.refresh_from_db()
        assert flaky.status == ReminderStatus.PENDING
        assert flaky.attempts == 1
        assert flaky.last_error == "SMTPServerDisconnected"
        assert flaky.sending_at is None
        # Back in the outbox, not queued: the dispatcher takes it at its next try.
        assert flaky.claim_token is None
        assert (
            self.START + timedelta(seconds=30)
            <= flaky.next_attempt_at
            <= self.START + timedelta(seconds=60)
        )

        with time_machine.travel(flaky.next_attempt_at, tick=False):
            assert dispatch() == ["sent"]
        flaky.refresh_from_db()
        assert flaky.status == ReminderStatus.SENT
        assert flaky.attempts == 2
        assert _sent_ids() == sorted(r.pk for r in reminders)

    def test_the_whole_path_retries_and_sends_each_once(self, picky_mail, dispatch):
        with time_machine.travel(self.START, tick=False):
            reminders = [make_reminder(CaseFactory()) for _ in range(3)]
        picky_mail.refuse = {reminders[0].recipient}
        picky_mail.times = 2

        dispatch_until_settled(dispatch, start=self.START)

        assert _sent_ids() == sorted(r.pk for r in reminders)
        attempts = dict(Reminder.objects.values_list("id", "attempts"))
        assert attempts == {reminders[0].pk: 3, reminders[1].pk: 1, reminders[2].pk: 1}

    def test_a_row_that_keeps_failing_ends_failed_at_the_give_up_time(
        self, picky_mail, dispatch, settings
    ):
        settings.REMINDER_GIVE_UP_SECONDS = 2 * 3600
        with time_machine.travel(self.START, tick=False):
            reminders = [
                make_reminder(CaseFactory(), event_at=self.START + timedelta(days=2))
                for _ in range(2)
            ]
        picky_mail.refuse = {reminders[0].recipient}
        picky_mail.times = 10_000

        dispatch_until_settled(dispatch, start=self.START)

        reminders[0].refresh_from_db()
        assert reminders[0].status == ReminderStatus.FAILED
        assert reminders[0].updated_at == self.START + timedelta(hours=2)
        assert reminders[0].last_error == "SMTPServerDisconnected"
        assert picky_mail.refused.count(reminders[0].recipient) == reminders[0].attempts
        reminders[1].refresh_from_db()
        assert reminders[1].status == ReminderStatus.SENT

    def test_a_permanent_failure_fails_that_row_at_once_and_the_batch_goes_on(
        self, picky_mail, monkeypatch
    ):
        reminders = [make_reminder(CaseFactory()) for _ in range(3)]
        picky_mail.refuse = {reminders[0].recipient}
        picky_mail.error = smtplib.SMTPDataError(554, b"Message rejected")

        outcomes = tasks.send_reminders.apply(args=[_claim()]).get()

        assert list(outcomes.values()) == ["failed", "sent", "sent"]
        reminders[0].refresh_from_db()
        assert reminders[0].status == ReminderStatus.FAILED
        assert reminders[0].last_error == "SMTPDataError 554"
        assert reminders[0].attempts == 1
        assert reminders[0].next_attempt_at is None

    def test_after_a_failure_the_next_message_gets_a_fresh_connection(self, smtp, monkeypatch):
        reminders = [make_reminder(CaseFactory()) for _ in range(3)]
        original = CountingSmtpBackend._send
        calls = []

        def hang_up_once(self, message):
            calls.append(1)
            if len(calls) == 2:
                self.connection.close()  # the server went away mid-batch
            return original(self, message)

        monkeypatch.setattr(CountingSmtpBackend, "_send", hang_up_once)

        outcomes = tasks.send_reminders.apply(args=[_claim()]).get()

        assert list(outcomes.values()) == ["sent", "retry", "sent"]
        assert CountingSmtpBackend.opened == 2
        assert set(smtp.by_reminder) == {str(reminders[0].pk), str(reminders[2].pk)}

    def test_a_batch_out_of_time_hands_back_the_rows_it_did_not_start(self):
        reminders = [make_reminder(CaseFactory()) for _ in range(3)]
        ids = _claim()

        result = dispatching.reminders_send_batch(reminder_ids=ids, time_budget=-1)

        assert result.outcomes == {}
        assert result.rest == ids
        assert mail.outbox == []
        # Still queued under the same claim: the next batch sends them.
        assert dispatching.reminders_send_batch(reminder_ids=result.rest).outcomes == {
            r.pk: "sent" for r in reminders
        }


class DownSmsBackend(sms.BaseSmsBackend):
    """A provider answering 503 to everything."""

    calls = 0

    def send(self, to, body):
        type(self).calls += 1
        raise sms.SmsError("HTTP 503", transient=True)


class TestAnOutageInABatch:
    """A server that is away costs one attempt per batch, not one per message."""

    START = dt.datetime(2031, 11, 26, 10, 0, tzinfo=dt.UTC)

    def test_an_unreachable_mail_server_is_tried_once_and_the_batch_is_held(self, settings):
        port = free_port()  # nothing listens there: every connection is refused
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        with time_machine.travel(self.START, tick=False):
            reminders = [make_reminder(CaseFactory()) for _ in range(5)]
            ids = _claim()

            outcomes = tasks.send_reminders.apply(args=[ids]).get()

        assert list(outcomes.values()) == ["retry", "held", "held", "held", "held"]
        rows = {r.pk: r for r in Reminder.objects.filter(pk__in=ids)}
        assert [rows[pk].attempts for pk in ids] == [1, 0, 0, 0, 0]
        for row in rows.values():
            assert row.status == ReminderStatus.PENDING
            assert row.claim_token is None
            assert row.failing_since == self.START
            assert row.next_attempt_at > self.START
            assert row.last_error == "ConnectionRefusedError"
        assert len(reminders) == 5

    def test_every_held_message_goes_once_when_the_server_returns(self, settings, dispatch):
        port = free_port()
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        with time_machine.travel(self.START, tick=False):
            reminders = [make_reminder(CaseFactory()) for _ in range(6)]
            assert dispatch() == ["retry"] + ["held"] * 5

        with CountingSMTPServer(port=port) as smtp:
            dispatch_until_settled(dispatch, start=self.START + timedelta(seconds=1))

        assert smtp.by_reminder == dict.fromkeys((str(r.pk) for r in reminders), 1)
        assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}
        assert sum(Reminder.objects.values_list("attempts", flat=True)) == 7

    def test_a_server_closing_the_channel_holds_the_rest(self, picky_mail):
        reminders = [make_reminder(CaseFactory()) for _ in range(3)]
        picky_mail.refuse = {reminders[0].recipient}
        picky_mail.error = smtplib.SMTPDataError(421, b"Service not available")

        outcomes = tasks.send_reminders.apply(args=[_claim()]).get()

        assert list(outcomes.values()) == ["retry", "held", "held"]
        assert mail.outbox == []

    def test_a_provider_outage_holds_the_text_messages_and_the_emails_go_on(
        self, settings, dispatch
    ):
        settings.SMS_BACKEND = f"{__name__}.DownSmsBackend"
        DownSmsBackend.calls = 0
        texts = [
            make_reminder(
                CaseFactory(patient=PatientFactory(preferred_channel="sms", phone="+33612345678"))
            )
            for _ in range(3)
        ]
        emails = [make_reminder(CaseFactory()) for _ in range(2)]

        outcomes = tasks.send_reminders.apply(args=[_claim()]).get()

        assert {pk: outcomes[str(pk)] for pk in (r.pk for r in texts)} == {
            texts[0].pk: "retry",
            texts[1].pk: "held",
            texts[2].pk: "held",
        }
        assert DownSmsBackend.calls == 1
        assert _sent_ids() == sorted(r.pk for r in emails)
        assert Reminder.objects.get(pk=texts[0].pk).last_error == "SmsError"


class Killed(BaseException):
    """A SIGKILL, as far as the batch can tell: nothing of it runs after this."""


def _killed_at(monkeypatch, victim: int, *, server_took_it: bool):
    """The batch dies while sending ``victim``: before the server answered, or after its 250
    and before the row says ``sent`` (the at-least-once window of docs/reminders.md)."""
    real = dispatching.deliver

    def deliver(reminder, *args, **kwargs):
        if reminder.pk == victim:
            if server_took_it:
                real(reminder, *args, **kwargs)
            raise Killed
        return real(reminder, *args, **kwargs)

    monkeypatch.setattr(dispatching, "deliver", deliver)


class TestAKilledBatch:
    START = dt.datetime(2031, 11, 26, 10, 0, tzinfo=dt.UTC)

    @pytest.mark.parametrize("server_took_it", [False, True])
    def test_a_killed_batch_is_reclaimed_after_the_lease_and_each_row_sent_once(
        self, dispatch, settings, monkeypatch, server_took_it
    ):
        with time_machine.travel(self.START, tick=False):
            reminders = [make_reminder(CaseFactory()) for _ in range(5)]
            ids = _claim()
            # The batch sent two, was sending the third when it was SIGKILLed; the last two
            # were never started (but the batch held their send claim).
            with monkeypatch.context() as killing:
                _killed_at(killing, ids[2], server_took_it=server_took_it)
                with pytest.raises(Killed):
                    dispatching.reminders_send_batch(reminder_ids=ids)
            assert _sent_ids() == sorted(ids[: 3 if server_took_it else 2])
        with time_machine.travel(self.START + timedelta(seconds=30), tick=False):
            # Within the lease nothing is claimed again.
            assert dispatch() == []
        after_lease = self.START + timedelta(seconds=settings.REMINDER_LEASE_SECONDS + 1)
        with time_machine.travel(after_lease, tick=False):
            # The two never started go at once; the one that died sending waits a retry.
            assert dispatch() == ["sent"] * 2
            assert dispatch() == []
        in_doubt = Reminder.objects.get(pk=ids[2])
        assert in_doubt.last_error == dispatching.NO_OUTCOME
        with time_machine.travel(in_doubt.next_attempt_at, tick=False):
            assert dispatch() == ["sent"]

        # Each reminder reached the server once, but the one killed after the server's 250:
        # that one twice, the same message (one Message-ID), which mail stores show once.
        expected = sorted(r.pk for r in reminders) + ([ids[2]] if server_took_it else [])
        assert _sent_ids() == sorted(expected)
        assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 5
        rows = dict(Reminder.objects.values_list("id", "attempts"))
        assert rows == {pk: (2 if pk == ids[2] else 1) for pk in ids}
        assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}

    def test_each_dead_batch_keeps_only_its_lowest_sending_row_in_doubt(
        self, dispatch, settings, monkeypatch
    ):
        with time_machine.travel(self.START, tick=False):
            for _ in range(6):
                make_reminder(CaseFactory())
            ids = _claim()
            # Two batches of three on two children of one worker, both killed with it.
            for batch in (ids[:3], ids[3:]):
                with monkeypatch.context() as killing:
                    _killed_at(killing, batch[1], server_took_it=False)
                    with pytest.raises(Killed):
                        dispatching.reminders_send_batch(reminder_ids=batch)
        after_lease = self.START + timedelta(seconds=settings.REMINDER_LEASE_SECONDS + 1)
        with time_machine.travel(after_lease, tick=False):
            assert dispatch() == ["sent"] * 2

        rows = {r.pk: r for r in Reminder.objects.all()}
        assert {pk for pk, r in rows.items() if r.status == "sent"} == {
            ids[0],
            ids[2],
            ids[3],
            ids[5],
        }
        assert {pk for pk, r in rows.items() if r.last_error == dispatching.NO_OUTCOME} == {
            ids[1],
            ids[4],
        }
        # One attempt each: the sent ones their send, the two in doubt the send that died.
        assert {pk: r.attempts for pk, r in rows.items()} == dict.fromkeys(ids, 1)

    def test_a_redelivered_batch_leaves_the_dead_batchs_rows_to_the_lease(self, monkeypatch):
        reminders = [make_reminder(CaseFactory()) for _ in range(4)]
        ids = _claim()
        with monkeypatch.context() as killing:
            _killed_at(killing, ids[1], server_took_it=False)
            with pytest.raises(Killed):
                dispatching.reminders_send_batch(reminder_ids=ids)

        # acks_late + reject_on_worker_lost: the broker hands the same batch out again. It
        # cannot tell the dead batch's rows from a live one's: it sends none of them.
        outcomes = dispatching.reminders_send_batch(reminder_ids=ids).outcomes

        assert outcomes == {
            ids[0]: "not-pending",
            ids[1]: "in-progress",
            ids[2]: "in-progress",
            ids[3]: "in-progress",
        }
        assert _sent_ids() == [ids[0]]
        assert len(reminders) == 4


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Concurrent connections racing for the same rows need PostgreSQL (SQLite has one "
    "writer).",
)


@postgres_only
@pytest.mark.django_db(transaction=True)
class TestConcurrentBatches:
    def test_two_batch_tasks_over_the_same_ids_send_each_reminder_once(self):
        reminders = [make_reminder(CaseFactory()) for _ in range(40)]
        ids = _claim()
        barrier = threading.Barrier(2)
        results: list[dispatching.BatchResult] = []

        def worker(order):
            try:
                barrier.wait(timeout=30)
                results.append(dispatching.reminders_send_batch(reminder_ids=order))
            finally:
                connection.close()

        threads = [
            threading.Thread(target=worker, args=(ids,)),
            threading.Thread(target=worker, args=(list(reversed(ids)),)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

        sent = [pk for r in results for pk, outcome in r.outcomes.items() if outcome == "sent"]
        assert sorted(sent) == sorted(r.pk for r in reminders)
        assert _sent_ids() == sorted(r.pk for r in reminders)
        assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}
        assert set(Reminder.objects.values_list("attempts", flat=True)) == {1}
