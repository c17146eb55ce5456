"""When reminders fall due, and when the clinic stays quiet: plain functions, no ORM.

Every datetime in and out is timezone-aware; the clinic's zone is passed in, so
the rules are tested without settings.
"""

from __future__ import annotations

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


def imaging_overdue_due(performed_at: datetime) -> datetime:
    """Seven days after the imaging was performed."""
    return performed_at + IMAGING_REPORT_GRACE


def discharge_checkin_due(discharged_at: datetime, days: int) -> datetime:
    """``days`` days after discharge, at the same time of day."""
    return discharged_at + timedelta(days=days)


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
