"""A real SMTP server on loopback that counts the messages each recipient receives.

Used by the reminder integration test and by benchmarks/reminders/run.py.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from email import message_from_bytes

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _CountingHandler:
    def __init__(self):
        self.lock = threading.Lock()
        self.by_recipient: Counter[str] = Counter()
        self.by_reminder: Counter[str] = Counter()
        # Distinct messages per recipient: a retransmission repeats its Message-ID.
        self.message_ids: dict[str, set[str]] = {}
        # (time.monotonic(), recipient) per delivery, in order: the benchmark's clock.
        self.arrived: list[tuple[float, str]] = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content)
        reminder = message.get("X-Talus-Reminder", "")
        message_id = message.get("Message-ID", "")
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.by_recipient[recipient.lower()] += 1
                self.message_ids.setdefault(recipient.lower(), set()).add(message_id)
                self.arrived.append((time.monotonic(), recipient.lower()))
            self.by_reminder[reminder] += 1
        return "250 Message accepted for delivery"


class CountingSMTPServer:
    """``with CountingSMTPServer() as smtp:`` listens on 127.0.0.1:``smtp.port``."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.handler = _CountingHandler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def by_recipient(self) -> Counter[str]:
        with self.handler.lock:
            return Counter(self.handler.by_recipient)

    @property
    def distinct_by_recipient(self) -> Counter[str]:
        """How many different messages (Message-IDs) each recipient received."""
        with self.handler.lock:
            return Counter({r: len(ids) for r, ids in self.handler.message_ids.items()})

    @property
    def by_reminder(self) -> Counter[str]:
        with self.handler.lock:
            return Counter(self.handler.by_reminder)

    def arrivals(self, recipients: set[str], since: float) -> list[float]:
        """Seconds after ``since`` at which each delivery to ``recipients`` arrived, in order."""
        with self.handler.lock:
            return [at - since for at, to in self.handler.arrived if to in recipients]

    @property
    def total(self) -> int:
        with self.handler.lock:
            return sum(self.handler.by_reminder.values())

    def __enter__(self) -> CountingSMTPServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
