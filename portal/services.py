"""Writes of the portal: private links, the runner's birth-date check, questionnaires from home.

Keyword-only, atomic; messages go through the reminders outbox in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from clinic import roles
from clinic import services as clinic_services
from clinic.errors import Conflict, Invalid, NotAllowed, NotFound
from clinic.models import Case, CaseStatus, Channel, Patient
from portal import schedule
from portal.models import (
    DOB_TRIES,
    IntakeInvitation,
    IntakeInvitationStatus,
    OutcomeRequest,
    OutcomeRequestStatus,
    PortalLink,
)
from rehab.models import OutcomeMeasure, TreatmentPlan
from rehab.services.alerts import alert_raise
from rehab.services.outcomes import outcome_record_from_patient
from reminders.services import events
from triage.models import Intake
from triage.services.intake import intake_create, intake_triage

logger = logging.getLogger(__name__)

# Who may send a patient their link (the physio only on a case assigned to them: the
# patient is out of their reach otherwise, a 404 before this is asked).
LINK_SENDERS = (roles.RECEPTION, roles.DOCTOR, roles.PHYSIO)


# --- Private links ----------------------------------------------------------------------------


def _latest_case(patient: Patient) -> Case | None:
    return Case.objects.filter(patient=patient).order_by("-opened_at", "-id").first()


def _require_reachable(patient: Patient) -> None:
    """The link goes on the patient's channel, with their consent: say so now if it cannot."""
    if not patient.reminder_consent:
        raise Conflict(
            "The patient has not agreed to receive messages: record their consent first.",
            code="no_consent",
        )
    if patient.preferred_channel == Channel.NONE:
        raise Conflict(
            "The patient's preferred channel is none: choose email or text message first.",
            code="no_channel",
        )
    by_email = patient.preferred_channel == Channel.EMAIL
    address = patient.email if by_email else patient.phone
    if not (address or "").strip():
        missing = "email address" if by_email else "phone number"
        raise Conflict(f"The patient has no {missing}.", code="no_address")


def _link_new(
    *, patient: Patient, case: Case, by, now: dt.datetime, expires_at: dt.datetime
) -> PortalLink:
    return PortalLink.objects.create(
        patient=patient, case=case, created_by=by, created_at=now, expires_at=expires_at
    )


@transaction.atomic
def portal_link_create(*, patient: Patient, by) -> PortalLink:
    """Make a private link for the patient and send it on their channel (through the outbox).

    Refused (409) when the patient cannot receive it (no consent, no channel, no address)
    or has no case yet (the outbox files messages under a case).
    """
    if roles.role_of(by) not in LINK_SENDERS:
        raise NotAllowed("Reception, doctors and the assigned physio send private links.")
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    _require_reachable(patient)
    case = _latest_case(patient)
    if case is None:
        raise Conflict("The patient has no case yet: open one first.", code="no_case")
    now = timezone.now()
    link = _link_new(
        patient=patient,
        case=case,
        by=by,
        now=now,
        expires_at=now + dt.timedelta(days=settings.PORTAL_LINK_DAYS),
    )
    events.reminders_for_portal_link(case=case, link_id=link.pk, sent_at=now)
    return link


@transaction.atomic
def portal_link_revoke(*, link: PortalLink, by) -> PortalLink:
    """The link stops working at once; its unsent messages are cancelled. Twice is a 409."""
    link = PortalLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None:
        raise Conflict("This link was already revoked.", code="already_revoked")
    link.revoked_at = timezone.now()
    link.revoked_by = by
    link.save(update_fields=["revoked_at", "revoked_by"])
    events.reminders_for_portal_link_revoked(link_id=link.pk)
    return link


def portal_link_check_birth_date(*, link: PortalLink, date_of_birth: dt.date) -> PortalLink:
    """Compare the date of birth the runner typed with the patient's.

    Right: the link is verified (and its count of tries starts again). Wrong: one try less;
    the fifth wrong one locks the link and tells the staff member who sent it. Raises
    ``Invalid`` for a wrong date (with the tries left), ``Conflict`` (``locked``) once locked.
    The count is written in its own transaction: a wrong try is never rolled back.
    """
    with transaction.atomic():
        link = PortalLink.objects.select_for_update().select_related("patient").get(pk=link.pk)
        if link.state != "active":
            raise Conflict("This link no longer works.", code=link.state)
        if link.patient.date_of_birth == date_of_birth:
            link.failed_attempts = 0
            link.verified_at = timezone.now()
            link.save(update_fields=["failed_attempts", "verified_at"])
            return link
        link.failed_attempts += 1
        fields = ["failed_attempts"]
        if link.failed_attempts >= DOB_TRIES:
            link.locked_at = timezone.now()
            fields.append("locked_at")
            events.reminders_for_portal_locked(
                case=link.case, link_id=link.pk, locked_at=link.locked_at, staff=link.created_by
            )
        link.save(update_fields=fields)
        left = DOB_TRIES - link.failed_attempts
    if left == 0:
        logger.warning("A private link was locked after %s wrong dates of birth.", DOB_TRIES)
        raise Conflict("This link is locked.", code="locked")
    raise Invalid(
        {
            "date_of_birth": [
                "That date of birth does not match our record. "
                f"{left} {'try' if left == 1 else 'tries'} left."
            ]
        }
    )


def link_for_runner(*, link_id: int) -> PortalLink:
    """The link a runner's token or session names, if it still works; else ``NotFound``."""
    link = PortalLink.objects.select_related("patient").filter(pk=link_id).first()
    if link is None or link.state != "active":
        raise NotFound("This link does not work.")
    return link


# --- Questionnaires from home -----------------------------------------------------------------

# The default request sent on the day of the 6-week discharge check-in: the check-in message
# carries its link (one message, not two), so it writes no message of its own.
CHECKIN_CARRIES = "discharge-42:"
# Default requests are due at the start of their day (clinic time): the first run of the tick
# sends them, before that day's check-in (due at the discharge's time of day) is rendered;
# quiet hours hold the message itself until the morning.
DEFAULT_DUE_TIME = dt.time(0, 0)


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.CLINIC_TIME_ZONE)


@transaction.atomic
def outcome_request_create(
    *, case: Case, instrument: str, due_at: dt.datetime, side: str = "", by
) -> OutcomeRequest:
    """Ask the runner to answer a questionnaire from home (sent when due). The assigned
    physio asks, on a case not closed."""
    if by is not None and case.assigned_physio_id != by.pk:
        raise NotAllowed("Only the physio assigned to this case asks for questionnaires.")
    if case.status == CaseStatus.CLOSED:
        raise Conflict("This case is closed.", code="case_closed")
    if instrument == "cait" and not side:
        raise Invalid({"side": ["The CAIT is asked per ankle: choose left or right."]})
    return OutcomeRequest.objects.create(
        case=case, instrument=instrument, side=side, due_at=due_at, created_by=by
    )


@transaction.atomic
def outcome_request_cancel(*, request: OutcomeRequest, by) -> OutcomeRequest:
    """Withdraw a pending or sent request; anything else is a 409."""
    request = OutcomeRequest.objects.select_for_update().select_related("case").get(pk=request.pk)
    if request.case.assigned_physio_id != getattr(by, "pk", None):
        raise NotAllowed("Only the physio assigned to this case cancels its requests.")
    if request.status not in (OutcomeRequestStatus.PENDING, OutcomeRequestStatus.SENT):
        raise Conflict(f"This request is {request.status}.", code="not_open")
    request.status = OutcomeRequestStatus.CANCELLED
    request.save(update_fields=["status"])
    return request


def _instruments_of(case: Case) -> list[tuple[str, str]]:
    """What a plan asks from home: the instruments the clinic has used on the case (CAIT on the
    case's side), else the LEFS (every ankle and lower-limb condition)."""
    used = sorted(
        set(OutcomeMeasure.objects.filter(case=case).values_list("instrument", flat=True))
    )
    asked = []
    for code in used or ["lefs"]:
        if code == "cait":
            if case.side in ("left", "right"):
                asked.append((code, case.side))
            continue
        asked.append((code, ""))
    return asked


def outcome_requests_schedule(*, plan: TreatmentPlan, today: dt.date) -> list[OutcomeRequest]:
    """Write the plan's default requests that have come due (each once: ``schedule_key``).

    A default request whose day passed longer ago than a request stays open is not written
    late: the runner is not asked in March about February.
    """
    case = plan.case
    discharge = getattr(case, "discharge", None)
    discharged_on = (
        timezone.localtime(discharge.discharged_at, _zone()).date() if discharge else None
    )
    made = []
    window = dt.timedelta(days=settings.OUTCOME_REQUEST_DAYS)
    for key, day in schedule.due_dates(
        started_on=plan.started_on, discharged_on=discharged_on, until=today
    ):
        if day < today - window:
            continue
        due_at = dt.datetime.combine(day, DEFAULT_DUE_TIME, tzinfo=_zone())
        for instrument, side in _instruments_of(case):
            try:
                with transaction.atomic():
                    request, created = OutcomeRequest.objects.get_or_create(
                        case=case,
                        schedule_key=f"{key}:{instrument}"[:32],
                        defaults={"instrument": instrument, "side": side, "due_at": due_at},
                    )
            except IntegrityError:
                continue  # written by a run at the same moment: theirs is the one
            if created:
                made.append(request)
    return made


@transaction.atomic
def outcome_request_send(*, request: OutcomeRequest, now: dt.datetime) -> OutcomeRequest | None:
    """Send a due request: a link of its own (valid while the request is open) and its message
    in the outbox. Answers None when it was no longer pending (sent by another run)."""
    claimed = OutcomeRequest.objects.filter(
        pk=request.pk, status=OutcomeRequestStatus.PENDING
    ).update(status=OutcomeRequestStatus.SENT, sent_at=now)
    if not claimed:
        return None
    request = OutcomeRequest.objects.select_related("case__patient").get(pk=request.pk)
    expires_at = now + dt.timedelta(days=settings.OUTCOME_REQUEST_DAYS)
    link = _link_new(
        patient=request.case.patient, case=request.case, by=None, now=now, expires_at=expires_at
    )
    request.link = link
    request.expires_at = expires_at
    request.save(update_fields=["link", "expires_at"])
    if not request.schedule_key.startswith(CHECKIN_CARRIES):
        events.reminders_for_outcome_request(
            case=request.case, request_id=request.pk, link_id=link.pk, due_at=now
        )
    return request


@transaction.atomic
def outcome_request_expire(*, request: OutcomeRequest, now: dt.datetime) -> OutcomeRequest | None:
    """An unanswered request closes: status expired and a ``no_response`` alert (once)."""
    claimed = OutcomeRequest.objects.filter(
        pk=request.pk, status=OutcomeRequestStatus.SENT, expires_at__lte=now
    ).update(status=OutcomeRequestStatus.EXPIRED)
    if not claimed:
        return None
    request = OutcomeRequest.objects.select_related("case").get(pk=request.pk)
    alert_raise(
        case=request.case,
        kind="no_response",
        detail=f"No answer to the {request.get_instrument_display()} asked on "
        f"{timezone.localtime(request.sent_at, _zone()):%d %b %Y}.",
        cause=f"outcome-request:{request.pk}",
    )
    return request


def outcome_requests_tick(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The beat's work: write the defaults that came due, send the due, expire the unanswered."""
    now = now or timezone.now()
    today = timezone.localtime(now, _zone()).date()
    scheduled = 0
    # Cases in rehab, and those discharged recently enough to have a follow-up still to ask.
    last_follow_up = dt.timedelta(
        days=max(schedule.AFTER_DISCHARGE_DAYS) + settings.OUTCOME_REQUEST_DAYS + 1
    )
    plans = (
        TreatmentPlan.objects.filter(started_on__lte=today)
        .filter(
            Q(case__status=CaseStatus.IN_REHAB)
            | Q(
                case__status=CaseStatus.DISCHARGED,
                case__discharge__discharged_at__gte=now - last_follow_up,
            )
        )
        .select_related("case", "case__discharge")
    )
    for plan in plans:
        with transaction.atomic():
            scheduled += len(outcome_requests_schedule(plan=plan, today=today))
    due = OutcomeRequest.objects.filter(status=OutcomeRequestStatus.PENDING, due_at__lte=now)
    sent = sum(1 for r in due if outcome_request_send(request=r, now=now) is not None)
    stale = OutcomeRequest.objects.filter(status=OutcomeRequestStatus.SENT, expires_at__lte=now)
    expired = sum(1 for r in stale if outcome_request_expire(request=r, now=now) is not None)
    return {"scheduled": scheduled, "sent": sent, "expired": expired}


@transaction.atomic
def outcome_request_answer(*, request: OutcomeRequest, answers: list[Any]) -> OutcomeRequest:
    """The runner's answers: scored like the clinic's (raises scoring.AnswerError), the request
    completed. A request no longer open is a 409 (answered twice, expired, cancelled)."""
    request = OutcomeRequest.objects.select_for_update().select_related("case").get(pk=request.pk)
    if not request.is_open:
        raise Conflict(f"This questionnaire is {request.status}.", code=request.status)
    measure = outcome_record_from_patient(
        case=request.case, instrument=request.instrument, answers=answers, side=request.side
    )
    request.status = OutcomeRequestStatus.COMPLETED
    request.completed_at = timezone.now()
    request.outcome = measure
    request.save(update_fields=["status", "completed_at", "outcome"])
    return request


# --- Self-intake before the first visit -------------------------------------------------------


def _open_case_for_intake(patient: Patient) -> Case:
    """The patient's open case still waiting for its intake, else a new one (the episode the
    invitation starts: the outbox files messages under a case)."""
    waiting = (
        Case.objects.filter(patient=patient, status=CaseStatus.OPEN, intake__isnull=True)
        .order_by("-opened_at", "-id")
        .first()
    )
    return waiting or clinic_services.case_create(patient=patient)


@transaction.atomic
def intake_invitation_create(*, patient: Patient, by) -> IntakeInvitation:
    """Invite the patient to answer the article's questionnaire from home (through the
    outbox, on their channel, with consent). One invitation open per patient."""
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    _require_reachable(patient)
    if IntakeInvitation.objects.filter(
        patient=patient,
        status__in=[IntakeInvitationStatus.SENT, IntakeInvitationStatus.ANSWERED],
    ).exists():
        raise Conflict("This patient already has an invitation open.", code="invitation_open")
    case = _open_case_for_intake(patient)
    now = timezone.now()
    link = _link_new(
        patient=patient,
        case=case,
        by=by,
        now=now,
        expires_at=now + dt.timedelta(days=settings.PORTAL_LINK_DAYS),
    )
    invitation = IntakeInvitation.objects.create(
        patient=patient, case=case, link=link, created_by=by, created_at=now
    )
    events.reminders_for_intake_invitation(case=case, link_id=link.pk, sent_at=now)
    return invitation


# The questionnaire's one decimal answer: JSON keeps it as text (exact), the intake as Decimal.
DECIMAL_ANSWERS = ("weekly_distance_km",)


def _json_answers(questionnaire: dict[str, Any]) -> dict[str, Any]:
    """The answers as JSON keeps them (the weekly distance as text, exact)."""
    return {
        name: str(value) if isinstance(value, Decimal) else value
        for name, value in questionnaire.items()
    }


def _answers_from_json(answers: dict[str, Any]) -> dict[str, Any]:
    """The stored answers as the intake service takes them (the same as the page's form)."""
    return {
        name: Decimal(value) if name in DECIMAL_ANSWERS and isinstance(value, str) else value
        for name, value in answers.items()
    }


@transaction.atomic
def intake_invitation_answer(
    *, invitation: IntakeInvitation, questionnaire: dict[str, Any]
) -> IntakeInvitation:
    """Keep the runner's answers, checked by triage's own rules (raises
    ``QuestionnaireInvalid``); a red flag in them raises a ``red_flag`` alert at once."""
    invitation = (
        IntakeInvitation.objects.select_for_update()
        .select_related("patient", "case")
        .get(pk=invitation.pk)
    )
    if invitation.status != IntakeInvitationStatus.SENT:
        raise Conflict(f"These questions are {invitation.status}.", code=invitation.status)
    result = intake_triage(patient=invitation.patient, questionnaire=questionnaire)
    flags = list(result.red_flags)  # the safety questions' red flags, as triage.rules names them
    invitation.answers = _json_answers(questionnaire)
    invitation.red_flags = flags
    invitation.status = IntakeInvitationStatus.ANSWERED
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["answers", "red_flags", "status", "answered_at"])
    if flags:
        alert_raise(
            case=invitation.case,
            kind="red_flag",
            detail="Red flag in the answers from home: "
            + ", ".join(flag.replace("_", " ") for flag in flags)
            + ".",
            cause=f"intake-invitation:{invitation.pk}",
        )
    return invitation


@transaction.atomic
def intake_invitation_confirm(*, invitation: IntakeInvitation, by) -> Intake:
    """Reception turns the answers into the case's intake, in one step: the intake service
    records and triages them on the invitation's case; nothing is typed again."""
    invitation = (
        IntakeInvitation.objects.select_for_update()
        .select_related("patient", "case")
        .get(pk=invitation.pk)
    )
    if invitation.status != IntakeInvitationStatus.ANSWERED:
        raise Conflict(
            f"Only answered questions can be confirmed; these are {invitation.status}.",
            code="not_answered",
        )
    intake = intake_create(
        recorded_by=by,
        patient=invitation.patient,
        questionnaire=_answers_from_json(invitation.answers),
        case=invitation.case,
    )
    invitation.status = IntakeInvitationStatus.CONFIRMED
    invitation.confirmed_at = timezone.now()
    invitation.confirmed_by = by
    invitation.save(update_fields=["status", "confirmed_at", "confirmed_by"])
    return intake
