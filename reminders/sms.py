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


class ConsoleBackend(BaseSmsBackend):
    """Development: prints each message to standard output (never to the log)."""

    def __init__(self, stream=None):
        self.stream = stream

    def send(self, to: str, body: str) -> str | None:
        stream = self.stream or sys.stdout
        stream.write(f"--- SMS to {to}\n{body}\n---\n")
        stream.flush()
        return None


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


outbox: list[SmsMessage] = []
_outbox_lock = threading.Lock()


def get_backend() -> BaseSmsBackend:
    """An instance of the configured backend."""
    return import_string(settings.SMS_BACKEND)()


def send_sms(to: str, body: str) -> str | None:
    """Send one text message through the configured backend."""
    return get_backend().send(to, body)
