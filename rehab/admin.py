"""Django admin of the rehab app."""

from rehab import reminder_admin  # noqa: E402,F401,RUF100 (E402 once admin classes are above it)
