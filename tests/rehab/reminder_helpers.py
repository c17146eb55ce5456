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

    ``capture`` is pytest-django's ``django_capture_on_commit_callbacks``. Batches
    (``send_reminders``) run as they are queued, and so does the single-message retry a
    batch hands a transiently failed row to (its backoff skipped). Answers the final
    outcome of every reminder a send touched: a row retried alone counts once, with the
    outcome of its retries.
    """
    from rehab import tasks

    outcomes: list[str] = []
    retried: dict[int, str] = {}

    def send_batch_now(reminder_ids):
        result = tasks.send_reminders.apply(args=[reminder_ids]).get()
        for reminder_id in reminder_ids:
            outcome = result.get(str(reminder_id))
            if outcome == "retry":
                outcomes.append(retried.pop(reminder_id))
            elif outcome is not None:
                outcomes.append(outcome)

    def retry_now(args, countdown=None, **options):
        (reminder_id,) = args
        retried[reminder_id] = tasks.send_reminder.apply(args=args).get()

    monkeypatch.setattr(tasks.send_reminders, "delay", send_batch_now)
    monkeypatch.setattr(tasks.send_reminder, "apply_async", retry_now)
    with capture(execute=True):
        tasks.dispatch_due_reminders()
    return outcomes
