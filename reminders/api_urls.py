"""API routes of the reminders app: (prefix, viewset, basename), registered by clinic.urls."""

from reminders.api import ReminderViewSet

ROUTES: list[tuple] = [
    ("reminders", ReminderViewSet, "reminder"),
]
