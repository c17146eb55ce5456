"""Telling the clinic about reminders that finally failed: one email per run, not per row."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clinic import roles
from reminders import messages
from reminders.models import Reminder, ReminderStatus

logger = logging.getLogger(__name__)

# Failed reminders named in one alert at most; the rest go in the next run's email.
ALERT_BATCH_SIZE = 200


def _alert_recipients() -> list[str]:
    """The clinic's admins (the admin role, and superusers) with an address, and
    REMINDER_ALERT_EMAILS."""
    User = get_user_model()
    admins = (
        User.objects.filter(Q(groups__name=roles.ADMIN) | Q(is_superuser=True), is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return sorted({*admins, *settings.REMINDER_ALERT_EMAILS})


def reminders_alert_failures() -> int:
    """Email the clinic's admins, once, about reminders that failed since the last alert;
    answers how many it named.

    The rows are marked first (a conditional UPDATE: two runs never name the same row) and
    unmarked if the email does not go out, so an alert lost to a mail outage is sent by a
    later run, once the server is back. Without any recipient the error log is the alert.
    """
    now = timezone.now()
    with transaction.atomic():
        failures = list(
            Reminder.objects.filter(status=ReminderStatus.FAILED, alerted_at__isnull=True)
            .order_by("id")
            .select_for_update(skip_locked=True)
            .values("id", "kind", "channel", "last_error", "case_id", "updated_at")[
                :ALERT_BATCH_SIZE
            ]
        )
        ids = [row["id"] for row in failures]
        marked = Reminder.objects.filter(id__in=ids, alerted_at__isnull=True).update(alerted_at=now)
        if marked != len(ids):
            # SQLite, where the lock is a no-op: keep only the rows this run marked.
            ours = set(
                Reminder.objects.filter(id__in=ids, alerted_at=now).values_list("id", flat=True)
            )
            failures = [row for row in failures if row["id"] in ours]
    if not failures:
        return 0
    recipients = _alert_recipients()
    if not recipients:
        logger.error(
            "%s reminders failed and nobody can be told: no admin has an email address "
            "and REMINDER_ALERT_EMAILS is empty.",
            len(failures),
        )
        return len(failures)
    subject, body = messages.render_failure_alert(failures)
    try:
        EmailMessage(subject, body, to=recipients).send()
    except Exception:  # any failure to send: the next run tries again
        logger.warning("The alert about %s failed reminders was not sent.", len(failures))
        Reminder.objects.filter(id__in=[row["id"] for row in failures], alerted_at=now).update(
            alerted_at=None
        )
        return 0
    return len(failures)
