"""Text messages through a pluggable backend, chosen by ``settings.SMS_BACKEND``.

Like Django's mail backends: a class with ``send(to, body)``. A provider's backend
raises ``SmsError(transient=True)`` for what a retry may cure (a timeout, a 5xx,
throttling) and ``SmsError(transient=False)`` for what it will not (a bad number).
Never log a message body: it is patient data.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass

import requests
from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The provider refused or failed to take the message."""

    def __init__(self, message: str = "", *, transient: bool = True):
        super().__init__(message)
        self.transient = transient


class BaseSmsBackend:
    """Subclass and implement ``send``; return the provider's message id, if it gives one."""

    def send(self, to: str, body: str) -> str | None:
        raise NotImplementedError


def masked_number(number: str) -> str:
    """The number with all but its last two digits hidden: enough to tell two apart."""
    return "•" * max(len(number) - 2, 0) + number[-2:]


class ConsoleBackend(BaseSmsBackend):
    """Development: says on standard output that a message went (never to the log).

    Not the number nor the words in full: a terminal is shared and scrolled back, and the
    text names the patient. Only the number's last two digits and the text's length show.
    """

    def __init__(self, stream=None):
        self.stream = stream

    def send(self, to: str, body: str) -> str | None:
        stream = self.stream or sys.stdout
        stream.write(f"--- SMS to {masked_number(to)}: {len(body)} characters (not shown)\n")
        stream.flush()
        return None


# Twilio's answers that a retry may cure: too many requests, and its own failures.
TWILIO_TRANSIENT_STATUSES = {429}


class TwilioBackend(BaseSmsBackend):
    """Twilio Programmable Messaging, through its REST API ("Create a Message resource").

    ``POST {TWILIO_API_URL}/2010-04-01/Accounts/{sid}/Messages.json`` with HTTP basic auth
    (the account sid and auth token) and the form fields ``To``, ``Body`` and ``From`` (or
    ``MessagingServiceSid`` for a sender starting ``MG``); a 201 carries the message's
    ``sid``. A 4xx is this message's fault (e.g. error 21211, an invalid ``To``) and is not
    retried, except 429 (throttled) and 401/403 (the account, not the message: every message
    waits until the credentials are fixed); a 5xx or a network failure is retried.
    Plain ``requests``: the official client brings an async stack for one POST.
    """

    def __init__(self):
        self.url = (
            f"{settings.TWILIO_API_URL}/2010-04-01/Accounts/{settings.TWILIO_ACCOUNT_SID}"
            "/Messages.json"
        )
        self.session = requests.Session()
        self.session.auth = (settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN)

    def send(self, to: str, body: str) -> str | None:
        sender = settings.TWILIO_FROM
        data = {"To": to, "Body": body}
        data["MessagingServiceSid" if sender.startswith("MG") else "From"] = sender
        try:
            response = self.session.post(self.url, data=data, timeout=settings.SMS_TIMEOUT)
        except requests.RequestException as exc:
            raise SmsError(f"Twilio {type(exc).__name__}", transient=True) from None
        if response.status_code in (200, 201):
            return _json(response).get("sid")
        code = _json(response).get("code")
        status = response.status_code
        transient = status in TWILIO_TRANSIENT_STATUSES or status in (401, 403) or status >= 500
        raise SmsError(f"Twilio HTTP {status} error {code}", transient=transient)


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str


class LocmemBackend(BaseSmsBackend):
    """Tests: keeps messages in ``reminders.sms.outbox``, like ``django.core.mail.outbox``."""

    def send(self, to: str, body: str) -> str | None:
        with _outbox_lock:
            outbox.append(SmsMessage(to=to, body=body))
        return None


def _json(response: requests.Response) -> dict:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


outbox: list[SmsMessage] = []
_outbox_lock = threading.Lock()


def get_backend() -> BaseSmsBackend:
    """An instance of the configured backend."""
    return import_string(settings.SMS_BACKEND)()


def send_sms(to: str, body: str) -> str | None:
    """Send one text message through the configured backend."""
    return get_backend().send(to, body)
