"""The runner's pages under ``/r/``: open a private link, confirm the date of birth, answer
the questionnaires asked. Phone-first, no JavaScript; every page audited with the patient
as the actor (``portal.runner``)."""

from __future__ import annotations

from django.core import signing
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic import audit
from clinic.errors import Conflict, Invalid
from clinic.forms import add_service_errors
from clinic.models import AuditAction
from portal import selectors, services
from portal.forms import BirthDateForm
from portal.runner import (
    act_as_patient,
    runner_link,
    runner_required,
    runner_session_end,
    runner_session_start,
)
from portal.tokens import link_id_from_token
from rehab.forms import OutcomeForm
from rehab.instruments.catalogue import INSTRUMENTS
from rehab.instruments.scoring import AnswerError
from rehab.selectors import runner_today
from triage.forms import IntakeForm


def _link_page(request, state: str, status: int):
    return render(request, "portal/link_unusable.html", {"state": state}, status=status)


# The pages a message's link may open on, once the runner is signed in (``?next=``).
NEXT_PAGES = frozenset({"run-morning"})


def _next_page(request) -> str:
    """Where to go once signed in: the runner's page, or the page a message's link names if
    it is one of ours (never another site, never a staff page)."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted.startswith("/r/") and "//" not in wanted:
        try:
            match = resolve(wanted)
        except Resolver404:
            match = None
        if match is not None and match.namespace == "portal" and match.url_name in NEXT_PAGES:
            return wanted
    return reverse("portal:home")


def link_open(request, token: str):
    """The link from the message: ask the date of birth, then start the runner's session."""
    try:
        link = selectors.link_of_token_id(link_id_from_token(token))
    except signing.BadSignature:
        link = None
    if link is None:
        return _link_page(request, "invalid", 404)
    if link.state != "active":
        return _link_page(request, link.state, 410)
    go_to = _next_page(request)
    current = runner_link(request)
    if current is not None and current.patient_id == link.patient_id:
        # This device already proved it is this patient (another of their links): no second
        # birth date for the next message's link.
        return redirect(go_to)
    form = BirthDateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        act_as_patient(request, link)
        try:
            link = services.portal_link_check_birth_date(
                link=link, date_of_birth=form.cleaned_data["date_of_birth"]
            )
        except Invalid as exc:
            # A wrong try is on record too (it counts toward the lock).
            audit.touch(request, link, AuditAction.UPDATE)
            add_service_errors(form, exc)
        except Conflict as exc:
            audit.touch(request, link, AuditAction.UPDATE)
            return _link_page(request, exc.code or "locked", 403)
        else:
            audit.touch(request, link, AuditAction.UPDATE)
            return runner_session_start(redirect(go_to), link)
    return render(request, "portal/open.html", {"form": form, "token": token, "next": go_to})


@runner_required
def home(request):
    """The runner's page: today's exercises and run, the morning's pain to give, the
    questionnaires waiting for them, and those already answered."""
    link = request.runner
    requests = list(selectors.runner_requests(link)[:30])
    invitations = list(selectors.runner_invitations(link))
    case = selectors.runner_case(link)
    today = timezone.localdate()
    day = runner_today(case, today) if case else {}
    ended = selectors.runner_ended_case(link) if case is None else None
    morning_run = selectors.runner_morning_run(link, today)
    audit.touch(request, link.patient, AuditAction.VIEW)
    audit.touch_many(request, requests, AuditAction.VIEW)
    audit.touch_many(request, invitations, AuditAction.VIEW)
    shown = [day.get("programme"), day.get("run_plan"), day.get("last_run"), morning_run]
    audit.touch_many(request, [record for record in shown if record is not None], AuditAction.VIEW)
    return render(
        request,
        "portal/home.html",
        {
            "patient": link.patient,
            "invitations": invitations,
            "waiting": [r for r in requests if r.is_open],
            "answered": [r for r in requests if r.status == "completed"],
            "day": day,
            "morning_run": morning_run,
            "ended": ended,
        },
    )


@runner_required
def answer(request, pk: int):
    """One questionnaire, in the published wording, scored on the server when sent."""
    outcome_request = selectors.runner_request(request.runner, pk)
    instrument = INSTRUMENTS[outcome_request.instrument]
    context = {"outcome_request": outcome_request, "instrument": instrument}
    if not outcome_request.is_open:
        audit.touch(request, outcome_request, AuditAction.VIEW)
        return render(request, "portal/answered.html", context)
    form = OutcomeForm(request.POST or None, instrument=instrument, asks_date_and_side=False)
    if request.method == "POST" and form.is_valid():
        try:
            outcome_request = services.outcome_request_answer(
                request=outcome_request, answers=form.answers()
            )
        except AnswerError as exc:
            form.add_answer_errors(exc.errors)
        except Conflict:
            return redirect("portal:answer", pk=pk)
        else:
            audit.touch(request, outcome_request, AuditAction.UPDATE)
            audit.touch(request, outcome_request.outcome, AuditAction.CREATE)
            return redirect("portal:answer", pk=pk)
    if request.method != "POST":
        audit.touch(request, outcome_request, AuditAction.VIEW)
    return render(request, "portal/answer.html", {**context, "form": form})


@runner_required
def intake(request, pk: int):
    """The article's questionnaire before the first visit, in the runner's words; a red flag
    tells them at once to call the clinic or seek urgent care."""
    invitation = selectors.runner_invitation(request.runner, pk)
    if invitation.status != "sent":
        audit.touch(request, invitation, AuditAction.VIEW)
        return render(request, "portal/intake_done.html", {"invitation": invitation})
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.intake_invitation_answer(
                invitation=invitation, questionnaire=form.cleaned_data
            )
        except Invalid as exc:
            add_service_errors(form, exc)
        except Conflict:
            return redirect("portal:intake", pk=pk)
        else:
            audit.touch(request, invitation, AuditAction.UPDATE)
            return redirect("portal:intake", pk=pk)
    if request.method != "POST":
        audit.touch(request, invitation, AuditAction.VIEW)
    return render(request, "portal/intake.html", {"invitation": invitation, "form": form})


@require_POST
def leave(request):
    """End the runner's session on this device."""
    return runner_session_end(render(request, "portal/left.html"))
