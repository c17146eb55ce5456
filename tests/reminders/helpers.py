"""Helpers shared by the reminder tests (kept out of conftest.py: other features own that)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import time_machine
from django.db.models import Min
from django.db.models.functions import Coalesce
from django.utils import timezone

from reminders.models import Reminder, ReminderKind, ReminderStatus


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
    """Run the dispatcher; each queued batch runs at once, in this process, on commit.

    ``capture`` is pytest-django's ``django_capture_on_commit_callbacks``. Answers the
    outcome of every reminder a batch touched (``retry`` and ``held`` rows wait in the
    outbox for their next try: a later run, once the clock has reached it, takes them).
    """
    from reminders import tasks

    outcomes: list[str] = []

    def send_batch_now(reminder_ids):
        result = tasks.send_reminders.apply(args=[reminder_ids]).get()
        outcomes.extend(result[str(pk)] for pk in reminder_ids if str(pk) in result)

    monkeypatch.setattr(tasks.send_reminders, "delay", send_batch_now)
    with capture(execute=True):
        tasks.dispatch_due_reminders()
    return outcomes


def next_try() -> datetime | None:
    """The earliest moment a pending reminder may be taken again (its due time or next try)."""
    return (
        Reminder.objects.filter(status=ReminderStatus.PENDING)
        .aggregate(at=Min(Coalesce("next_attempt_at", "due_at")))
        .get("at")
    )


def dispatch_until_settled(dispatch, *, start: datetime, max_runs: int = 200) -> list[datetime]:
    """Run ``dispatch()`` at ``start``, then at each next try, until nothing is pending.

    The clock stands still during a run (time-machine, no tick), so the schedule is exact.
    Answers the moments of the runs.
    """
    runs = []
    at = start
    for _ in range(max_runs):
        with time_machine.travel(at, tick=False):
            dispatch()
            runs.append(at)
            after = next_try()
        if after is None:
            return runs
        at = max(after, at)
    raise AssertionError(f"Still pending after {max_runs} dispatcher runs.")
