"""When reminders fall due, and when the clinic stays quiet: plain functions, no ORM.

Every datetime in and out is timezone-aware; the clinic's zone is passed in, so
the rules are tested without settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

SESSION_REMINDER_BEFORE = timedelta(hours=24)
IMAGING_REPORT_GRACE = timedelta(days=7)
DISCHARGE_CHECKIN_DAYS = (14, 42)
# The morning message after a missed session goes out at this clinic hour, the next day.
CLINIC_MORNING = time(9, 0)


def _at_local(day: date, at: time, zone: tzinfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone)


def session_reminder_due(scheduled_at: datetime) -> datetime:
    """24 hours before the session (at once if that moment has passed: the dispatcher sends it)."""
    return scheduled_at - SESSION_REMINDER_BEFORE


def missed_session_due(scheduled_at: datetime, zone: tzinfo) -> datetime:
    """09:00 clinic time on the day after the missed session."""
    day = scheduled_at.astimezone(zone).date() + timedelta(days=1)
    return _at_local(day, CLINIC_MORNING, zone)


def run_next_morning_due(run_on: date, zone: tzinfo) -> datetime:
    """09:00 clinic time on the morning after the run (the pain-monitoring model's question)."""
    return _at_local(run_on + timedelta(days=1), CLINIC_MORNING, zone)


def imaging_overdue_due(performed_at: datetime) -> datetime:
    """Seven days after the imaging was performed."""
    return performed_at + IMAGING_REPORT_GRACE


def discharge_checkin_due(discharged_at: datetime, days: int) -> datetime:
    """``days`` days after discharge, at the same time of day."""
    return discharged_at + timedelta(days=days)


@dataclass(frozen=True)
class RetryPolicy:
    """How long a message that cannot be delivered is tried again (settings REMINDER_RETRY_*).

    ``first``: the shortest wait; ``ceiling``: the longest wait between two tries;
    ``give_up``: how long after the first failure the message is given up (failed).
    """

    first: timedelta
    ceiling: timedelta
    give_up: timedelta


def next_try(
    now: datetime, failing_since: datetime | None, policy: RetryPolicy, *, jitter: float
) -> datetime | None:
    """When to try again a message that has not been delivered since ``failing_since``
    (None: it failed just now for the first time); None when it is time to give up.

    The wait is as long as the failure has lasted so far, so the tries double away from the
    first failure (1, 2, 4, 8 … minutes), never shorter than ``policy.first`` nor longer than
    ``policy.ceiling``. ``jitter`` (0 <= jitter < 1, random) shortens it by up to a half, so
    that the messages of one outage come back spread out, not all in the same second. The
    last try is at the give-up time itself: a message is failed only by a failure after it.
    """
    since = failing_since or now
    deadline = since + policy.give_up
    if now >= deadline:
        return None
    wait = min(policy.ceiling, max(policy.first, now - since))
    return min(now + wait * (1 - jitter / 2), deadline)


def quiet_until(
    now: datetime, quiet_hours: tuple[int, int] | None, zone: tzinfo
) -> datetime | None:
    """The end of the quiet period ``now`` falls in, or None when messages may go out.

    ``quiet_hours`` is (start, end) in whole local hours; start > end wraps midnight
    (21-8 is quiet from 21:00 to 08:00 the next morning).
    """
    if not quiet_hours:
        return None
    start, end = quiet_hours
    local = now.astimezone(zone)
    hour = local.hour
    if start < end:
        quiet = start <= hour < end
        end_day = local.date()
    elif hour >= start:
        quiet = True
        end_day = local.date() + timedelta(days=1)
    else:
        quiet = hour < end
        end_day = local.date()
    if not quiet:
        return None
    return _at_local(end_day, time(end, 0), zone)


def spoken_when(moment: datetime, zone: tzinfo) -> str:
    """'Thursday 26 November at 14:30', in the clinic's time zone."""
    local = moment.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M}"


def spoken_day(moment: datetime, zone: tzinfo) -> str:
    """'Thursday 26 November', in the clinic's time zone."""
    local = moment.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B}"


def short_when(moment: datetime, zone: tzinfo) -> str:
    """'Thu 26 Nov 14:30' for text messages."""
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b} {local:%H:%M}"
