"""Reads of reminders: every queryset that reaches a user is scoped here."""

from __future__ import annotations

from django.db.models import QuerySet

from clinic.selectors import cases_visible_to
from reminders.models import Reminder


def reminders_visible_to(user) -> QuerySet[Reminder]:
    """The reminders of the cases a user may see (a physio: only their assigned cases)."""
    return Reminder.objects.filter(case__in=cases_visible_to(user))


def patient_reminders(user, patient) -> QuerySet[Reminder]:
    """A patient's reminders within the user's reach, newest due first, for the patient record."""
    return reminders_visible_to(user).filter(case__patient=patient).order_by("-due_at", "-id")
