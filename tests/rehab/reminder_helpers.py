"""Helpers shared by the reminder tests (kept out of conftest.py: other features own that)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from rehab.reminder_models import Reminder, ReminderKind


def make_reminder(case, **fields) -> Reminder:
    """A reminder written as an event service would, due a minute ago unless told otherwise."""
    now = timezone.now()
    patient = case.patient
    values = {
        "case": case,
        "kind": ReminderKind.SESSION_REMINDER,
        "channel": patient.preferred_channel,
        "recipient": patient.email if patient.preferred_channel == "email" else patient.phone,
        "due_at": now - timedelta(minutes=1),
        "event_at": now + timedelta(days=1),
        "subject_type": "session",
        "subject_id": 1,
        "idempotency_key": f"test:{uuid.uuid4().hex}",
    }
    values.update(fields)
    return Reminder.objects.create(**values)


def run_dispatch(monkeypatch, capture) -> list[str]:
    """Run the dispatcher; each queued send runs at once, in this process, on commit.

    ``capture`` is pytest-django's ``django_capture_on_commit_callbacks``. Answers the
    outcome of every send that ran.
    """
    from rehab import tasks

    outcomes: list[str] = []

    def send_now(reminder_id):
        outcomes.append(tasks.send_reminder.apply(args=[reminder_id]).get())

    monkeypatch.setattr(tasks.send_reminder, "delay", send_now)
    with capture(execute=True):
        tasks.dispatch_due_reminders()
    return outcomes
