"""The words of each reminder and the signed opt-out link they carry."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable, Mapping
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
# no link to give; it may read, never write. Its batch form (``many``: subject ids ->
# {subject id: URL}) lets a send batch read the links of all its messages in one query.
_LINK_BUILDERS: dict[str, Callable[[int], str]] = {}
_MANY_LINK_BUILDERS: dict[str, Callable[[list[int]], dict[int, str]]] = {}


def register_link_builder(
    subject_type: str,
    builder: Callable[[int], str],
    *,
    many: Callable[[list[int]], dict[int, str]] | None = None,
) -> None:
    """Let messages about ``subject_type`` carry the link ``builder(subject_id)``; ``many``,
    if given, answers the same links for many subject ids at once."""
    _LINK_BUILDERS[subject_type] = builder
    if many is not None:
        _MANY_LINK_BUILDERS[subject_type] = many
    else:
        _MANY_LINK_BUILDERS.pop(subject_type, None)


def _carries_link(reminder: Reminder) -> bool:
    return (
        reminder.subject_type in _LINK_BUILDERS
        and not reminder.for_staff
        and not reminder.for_referrer
    )


def links_for(reminders: Iterable[Reminder]) -> dict[int, str]:
    """The link each message of a batch carries, by reminder id: one call of a subject
    type's batch builder for all its reminders (one query, not one per message), else its
    builder per reminder. Reminders whose messages carry no link are left out."""
    by_type: dict[str, list[Reminder]] = {}
    for reminder in reminders:
        if _carries_link(reminder):
            by_type.setdefault(reminder.subject_type, []).append(reminder)
    links: dict[int, str] = {}
    for subject_type, group in by_type.items():
        many = _MANY_LINK_BUILDERS.get(subject_type)
        if many is not None:
            urls = many(sorted({r.subject_id for r in group}))
            links.update({r.pk: urls.get(r.subject_id, "") for r in group})
        else:
            builder = _LINK_BUILDERS[subject_type]
            links.update({r.pk: builder(r.subject_id) for r in group})
    return links


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


def context_for(reminder: Reminder, *, links: Mapping[int, str] | None = None) -> dict:
    """Everything a template may say: the clinic, when, where and how to stop.

    ``links`` are the batch's links (``links_for``); without them the link is built here.
    """
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
    if _carries_link(reminder):
        if links is not None and reminder.pk in links:
            context["link_url"] = links[reminder.pk]
        else:
            context["link_url"] = _LINK_BUILDERS[reminder.subject_type](reminder.subject_id)
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


def render(
    reminder: Reminder, *, channel: str | None = None, links: Mapping[int, str] | None = None
) -> RenderedReminder:
    """The subject, the email body and the text message for one reminder.

    With ``channel`` ("email" or "sms") only the words that channel carries are
    rendered; the others are empty (a send renders what it sends, nothing more).
    ``links``: the batch's links, read once for all its messages (``links_for``).
    """
    context = context_for(reminder, links=links)
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
