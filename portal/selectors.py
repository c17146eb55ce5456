"""Reads of the portal. The runner's: only what belongs to the link's patient. The staff's:
through the scoping selectors of the core."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet

from clinic.errors import NotFound
from clinic.models import ENDED_STATUSES, Case
from clinic.selectors import clinical_cases_visible_to, patients_visible_to
from portal.models import (
    IntakeInvitation,
    IntakeInvitationStatus,
    OutcomeRequest,
    OutcomeRequestStatus,
    PortalLink,
)
from rehab.models import Run

# --- The runner's door: one patient, their own items --------------------------------------------


def link_of_token_id(link_id: int) -> PortalLink | None:
    """The link a well-signed token names, whatever its state (the page says which)."""
    return PortalLink.objects.select_related("patient").filter(pk=link_id).first()


def runner_requests(link: PortalLink) -> QuerySet[OutcomeRequest]:
    """The questionnaires asked of the link's patient (every case of theirs), newest first."""
    return (
        OutcomeRequest.objects.filter(case__patient_id=link.patient_id)
        .exclude(status=OutcomeRequestStatus.CANCELLED)
        .select_related("case", "outcome")
        .order_by("-due_at", "-id")
    )


def runner_request(link: PortalLink, pk: int) -> OutcomeRequest:
    """One of the patient's own requests; anyone else's (or none) is ``NotFound``."""
    found = runner_requests(link).filter(pk=pk).first()
    if found is None:
        raise NotFound("No such questionnaire.")
    return found


def runner_invitations(link: PortalLink) -> QuerySet[IntakeInvitation]:
    """The patient's invitations to answer the intake questions that are still to answer."""
    return IntakeInvitation.objects.filter(
        patient_id=link.patient_id, status=IntakeInvitationStatus.SENT
    ).order_by("-created_at", "-id")


def runner_invitation(link: PortalLink, pk: int) -> IntakeInvitation:
    """One of the patient's own invitations (any state); anyone else's is ``NotFound``."""
    found = IntakeInvitation.objects.filter(patient_id=link.patient_id, pk=pk).first()
    if found is None:
        raise NotFound("No such questions.")
    return found


def runner_case(link: PortalLink) -> Case | None:
    """The episode the runner is being treated for now: their newest case not yet ended
    (its programme and run plan are the ones their phone pages show)."""
    return (
        Case.objects.filter(patient_id=link.patient_id)
        .exclude(status__in=ENDED_STATUSES)
        .select_related("patient")
        .order_by("-opened_at", "-id")
        .first()
    )


def runner_ended_case(link: PortalLink) -> Case | None:
    """The runner's newest ended case (discharged or closed), asked only when no case of theirs
    is active: their pages then say that treatment has ended, not that it has not begun."""
    return (
        Case.objects.filter(patient_id=link.patient_id, status__in=ENDED_STATUSES)
        .order_by("-opened_at", "-id")
        .first()
    )


def runner_runs(link: PortalLink) -> QuerySet[Run]:
    """The runs of the link's patient (every case of theirs), newest first."""
    return Run.objects.filter(case__patient_id=link.patient_id).order_by("-date", "-id")


def runner_run(link: PortalLink, pk: int) -> Run:
    """One of the patient's own runs; anyone else's (or none) is ``NotFound``."""
    found = runner_runs(link).select_related("case").filter(pk=pk).first()
    if found is None:
        raise NotFound("No such run.")
    return found


def runner_morning_run(link: PortalLink, today) -> Run | None:
    """The run still waiting for its next-morning pain: yesterday's (the morning after it),
    of a case still treated."""
    return (
        runner_runs(link)
        .filter(date=today - timedelta(days=1), pain_next_morning__isnull=True)
        .exclude(case__status__in=ENDED_STATUSES)
        .first()
    )


# --- The staff's doors ------------------------------------------------------------------------


def links_visible_to(user) -> QuerySet[PortalLink]:
    """Private links of the patients the user sees (their state, never a token)."""
    return PortalLink.objects.filter(patient__in=patients_visible_to(user)).select_related(
        "patient"
    )


def outcome_requests_visible_to(user) -> QuerySet[OutcomeRequest]:
    """Questionnaire requests on the cases the user reads clinically (not reception)."""
    return OutcomeRequest.objects.filter(case__in=clinical_cases_visible_to(user)).select_related(
        "case"
    )


def invitations_visible_to(user) -> QuerySet[IntakeInvitation]:
    """Intake invitations of the patients the user sees (intake is reception's work)."""
    return IntakeInvitation.objects.filter(patient__in=patients_visible_to(user)).select_related(
        "patient", "case"
    )


def invitations_to_confirm(user) -> QuerySet[IntakeInvitation]:
    """Answered from home, waiting for reception to confirm them into the case: oldest first,
    red flags first of all."""
    return (
        invitations_visible_to(user)
        .filter(status=IntakeInvitationStatus.ANSWERED)
        .order_by("-red_flags", "answered_at", "id")
    )


def case_outcome_requests(case) -> QuerySet[OutcomeRequest]:
    """The questionnaires asked on a case the caller already holds (fetched through scope)."""
    # Through the case's own manager: each request's ``case`` is the caller's instance, so
    # auditing them (``audit_patient_id``) reads no case again.
    return case.outcome_requests.select_related("outcome").order_by("-due_at", "-id")[:20]
