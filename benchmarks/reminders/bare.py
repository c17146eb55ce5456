"""The baseline of the reminder benchmark: a bare Celery task that sends one mail.

What a team writes first without an outbox: the caller queues ``bare_send_mail`` with the
address, the subject and the body; the worker sends it with Django's ``send_mail`` (a
connection per message). No row, no claim, no lease, no stable Message-ID: nothing
survives a worker that dies between "taken from the queue" and "sent".

The benchmark's workers import this module (``CELERY_IMPORTS`` in the settings it writes);
the task runs with the application's Celery settings, the same as the reminder tasks.
"""

from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail


@shared_task(name="benchmarks.reminders.bare_send_mail", ignore_result=True)
def bare_send_mail(to: str, subject: str, body: str) -> None:
    send_mail(subject, body, None, [to])
