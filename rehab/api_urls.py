"""API routes of the rehab app: (prefix, viewset, basename), registered by clinic.urls."""

ROUTES: list[tuple] = []

from rehab.api.reminders import ReminderViewSet  # noqa: E402

ROUTES.append(("reminders", ReminderViewSet, "reminder"))
