"""The words of each reminder and the signed opt-out link they carry."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse

from reminders import rules
from reminders.models import Reminder, ReminderKind
from reminders.services import events

STOP_SALT = "reminders.stop"
# A stop link keeps working for six months after the message that carried it.
STOP_LINK_MAX_AGE = 180 * 24 * 3600


# The private links a message carries, by the reminder's subject type: filled by the apps
# that own those links (``events.register_message_link``), read here when a message is
# rendered. A builder takes the subject id and answers an absolute URL, or "" when there is
# no link to give; it may read, never write.
_LINK_BUILDERS: dict[str, Callable[[int], str]] = {}


def register_link_builder(subject_type: str, builder: Callable[[int], str]) -> None:
    """Let messages about ``subject_type`` carry the link ``builder(subject_id)``."""
    _LINK_BUILDERS[subject_type] = builder


@dataclass(frozen=True)
class RenderedReminder:
    subject: str
    body: str
    sms: str
    stop_url: str  # empty for messages to staff


def stop_token(patient_id: int) -> str:
    """A signed, timestamped token naming the patient: the opt-out needs no login."""
    return signing.dumps({"p": patient_id}, salt=STOP_SALT, compress=True)


def patient_id_from_stop_token(token: str) -> int:
    """The patient id in a stop token; ``signing.BadSignature`` if forged or expired."""
    data = signing.loads(token, salt=STOP_SALT, max_age=STOP_LINK_MAX_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        raise signing.BadSignature("Malformed stop token.")
    return data["p"]


def stop_url(patient_id: int) -> str:
    """The absolute opt-out link for a patient."""
    path = reverse("reminders:stop", kwargs={"token": stop_token(patient_id)})
    return f"{settings.SITE_URL}{path}"


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.CLINIC_TIME_ZONE)


def context_for(reminder: Reminder) -> dict:
    """Everything a template may say: the clinic, when, where and how to stop."""
    zone = _zone()
    patient = reminder.case.patient
    context = {
        "clinic_name": settings.CLINIC_NAME,
        "clinic_address": settings.CLINIC_ADDRESS,
        "when": rules.spoken_when(reminder.event_at, zone),
        "when_short": rules.short_when(reminder.event_at, zone),
        "day": rules.spoken_day(reminder.event_at, zone),
        "where": reminder.location or settings.CLINIC_ADDRESS,
        "reminder": reminder,
    }
    builder = _LINK_BUILDERS.get(reminder.subject_type)
    if builder is not None and not reminder.for_staff and not reminder.for_referrer:
        context["link_url"] = builder(reminder.subject_id)
    if reminder.for_referrer:
        # To the referrer: their name; the patient is named in the attachment only.
        context["referrer_name"] = reminder.case.referrer_name
    elif reminder.for_staff:
        # Staff messages name no patient: a case number and a link behind the login.
        context["case_id"] = reminder.case_id
        context["subject_id"] = reminder.subject_id
        context["case_url"] = f"{settings.SITE_URL}/patients/{patient.pk}/"
        context["site_url"] = settings.SITE_URL
    else:
        context["given_name"] = patient.given_name
        context["stop_url"] = stop_url(patient.pk)
    if reminder.kind == ReminderKind.SLOT_OFFER:
        token = events.offer_token(reminder.subject_id)
        context["offer_url"] = f"{settings.SITE_URL}{reverse('diary:offer', args=[token])}"
    return context


def _render(name: str, context: dict) -> str:
    return render_to_string(f"reminders/{name}", context).strip()


def render(reminder: Reminder, *, channel: str | None = None) -> RenderedReminder:
    """The subject, the email body and the text message for one reminder.

    With ``channel`` ("email" or "sms") only the words that channel carries are
    rendered; the others are empty (a send renders what it sends, nothing more).
    """
    context = context_for(reminder)
    email = channel in (None, "email")
    text = channel in (None, "sms")
    subject = " ".join(_render(f"{reminder.kind}_subject.txt", context).split()) if email else ""
    return RenderedReminder(
        subject=subject,
        body=_render(f"{reminder.kind}.txt", context) + "\n" if email else "",
        sms=" ".join(_render(f"{reminder.kind}_sms.txt", context).split()) if text else "",
        stop_url=context.get("stop_url", ""),
    )


def render_failure_alert(failures: list[dict]) -> tuple[str, str]:
    """The subject and body of the email telling the clinic's admins which reminders failed.

    ``failures`` are rows (``id``, ``kind``, ``channel``, ``last_error``, ``case_id``,
    ``updated_at``). Like every staff message it names no patient: reminder and case numbers,
    and a link to the failed reminders in the admin, behind the login.
    """
    zone = _zone()
    lines = [
        {
            "id": row["id"],
            "case_id": row["case_id"],
            "kind": ReminderKind(row["kind"]).label,
            "channel": row["channel"],
            "error": row["last_error"] or "unknown error",
            "when": rules.short_when(row["updated_at"], zone),
        }
        for row in failures
    ]
    context = {
        "clinic_name": settings.CLINIC_NAME,
        "count": len(lines),
        "failures": lines,
        "admin_url": f"{settings.SITE_URL}{reverse('admin:reminders_reminder_changelist')}"
        "?status__exact=failed",
    }
    subject = " ".join(_render("failure_alert_subject.txt", context).split())
    return subject, _render("failure_alert.txt", context) + "\n"
