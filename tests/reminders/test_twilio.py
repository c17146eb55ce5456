"""SMS through Twilio's REST API, against a local fake of it; the console backend hides the text."""

from __future__ import annotations

import base64
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
import time_machine

from reminders import sms
from reminders.models import Reminder, ReminderStatus
from tests.factories import CaseFactory, PatientFactory
from tests.reminders.helpers import make_reminder, run_dispatch

SID = "AC" + "1" * 32
TOKEN = "fake-auth-token"
INVALID_NUMBER = "+33600000000"


class FakeTwilio(BaseHTTPRequestHandler):
    """Speaks Twilio's "Create a Message" endpoint: basic auth, form body, JSON answers."""

    received: list[dict] = []
    outage = False

    def do_POST(self):
        expected = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
        length = int(self.headers["Content-Length"])
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if self.path != f"/2010-04-01/Accounts/{SID}/Messages.json":
            return self.answer(404, {"code": 20404, "message": "not found", "status": 404})
        if self.headers.get("Authorization") != expected:
            return self.answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
        if type(self).outage:
            return self.answer(503, {"code": 20500, "message": "Unavailable", "status": 503})
        if form.get("To") == INVALID_NUMBER:
            return self.answer(400, {"code": 21211, "message": "Invalid 'To'", "status": 400})
        type(self).received.append(form)
        sid = f"SM{len(type(self).received):032d}"
        return self.answer(201, {"sid": sid, "status": "queued", "to": form["To"]})

    def answer(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # keep the test output clean
        pass


@pytest.fixture
def twilio(settings):
    """A fake Twilio on loopback, and the settings that point the backend at it."""
    FakeTwilio.received = []
    FakeTwilio.outage = False
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTwilio)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "reminders.sms.TwilioBackend"
    settings.TWILIO_API_URL = f"http://127.0.0.1:{server.server_port}"
    settings.TWILIO_ACCOUNT_SID = SID
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.TWILIO_FROM = "TalusPhysio"
    settings.REMINDER_QUIET_HOURS = None
    yield FakeTwilio
    server.shutdown()
    server.server_close()


@pytest.fixture
def dispatch(monkeypatch, django_capture_on_commit_callbacks):
    return lambda: run_dispatch(monkeypatch, django_capture_on_commit_callbacks)


def text_reminder(phone: str) -> Reminder:
    patient = PatientFactory(preferred_channel="sms", phone=phone)
    return make_reminder(CaseFactory(patient=patient), location="Room 2")


@pytest.mark.django_db
class TestTwilioBackend:
    def test_it_sends_the_reminder_and_marks_it_sent(self, twilio, dispatch):
        reminder = text_reminder("+33612345678")

        assert dispatch() == ["sent"]

        reminder.refresh_from_db()
        assert reminder.status == ReminderStatus.SENT
        assert len(twilio.received) == 1
        form = twilio.received[0]
        assert form["To"] == "+33612345678"
        assert form["From"] == "TalusPhysio"
        assert "Room 2" in form["Body"]

    def test_it_names_a_messaging_service_as_such(self, twilio, settings):
        settings.TWILIO_FROM = "MG" + "2" * 32

        assert sms.TwilioBackend().send("+33612345678", "Hello") == "SM" + "1".zfill(32)
        assert twilio.received[0]["MessagingServiceSid"] == "MG" + "2" * 32
        assert "From" not in twilio.received[0]

    def test_an_invalid_number_fails_the_reminder_at_once(self, twilio, dispatch):
        reminder = text_reminder(INVALID_NUMBER)

        assert dispatch() == ["failed"]

        reminder.refresh_from_db()
        assert reminder.status == ReminderStatus.FAILED
        assert reminder.last_error == "SmsError"
        assert twilio.received == []

    def test_an_outage_is_retried_through_the_outbox_then_sent(self, twilio, dispatch):
        twilio.outage = True
        start = "2026-03-02 10:00:00+00:00"
        with time_machine.travel(start, tick=False):
            reminder = text_reminder("+33612345678")
            assert dispatch() == ["retry"]
        reminder.refresh_from_db()
        assert reminder.status == ReminderStatus.PENDING
        assert reminder.next_attempt_at is not None
        assert twilio.received == []

        twilio.outage = False
        with time_machine.travel(reminder.next_attempt_at, tick=False):
            assert dispatch() == ["sent"]
        reminder.refresh_from_db()
        assert reminder.status == ReminderStatus.SENT
        assert reminder.attempts == 2
        assert len(twilio.received) == 1

    def test_wrong_credentials_are_retried_not_failed(self, twilio, settings):
        settings.TWILIO_AUTH_TOKEN = "wrong"

        with pytest.raises(sms.SmsError) as error:
            sms.TwilioBackend().send("+33612345678", "Hello")

        assert error.value.transient is True
        assert str(error.value) == "Twilio HTTP 401 error 20003"

    def test_an_unreachable_provider_is_a_transient_error(self, twilio, settings):
        settings.TWILIO_API_URL = "http://127.0.0.1:9"

        with pytest.raises(sms.SmsError) as error:
            sms.TwilioBackend().send("+33612345678", "Hello")

        assert error.value.transient is True
        assert str(error.value) == "Twilio ConnectionError"


def test_the_console_backend_shows_neither_the_number_nor_the_text():
    stream = io.StringIO()

    sms.ConsoleBackend(stream=stream).send("+33612345678", "Alice, your session is at 10:00")

    output = stream.getvalue()
    assert output == "--- SMS to ••••••••••78: 31 characters (not shown)\n"
    assert "612345678" not in output and "Alice" not in output
