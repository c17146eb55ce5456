"""Treatment plans, physiotherapy sessions, outcome measures and reminders."""

from rehab.reminder_models import Reminder  # noqa: E402,F401,RUF100 (E402 once models are above it)
