"""Imaging referrals: ordered from an exam or on their own, then moved one step at a time.

The API (triage.api.referrals) and the pages (triage.views.doctor) call these functions and
nothing else. Every function is atomic and keyword-only; a step locks its row
(``select_for_update``) and re-reads the status under the lock, so two concurrent requests
for the same step make exactly one transition.

Errors (clinic.errors): ``Invalid`` (field messages) for bad input — the API answers 400, the
pages show it beside the field; ``InvalidTransition`` for a step out of order — the API
answers 409, the pages show a message. Neither changes anything.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from clinic import roles
from clinic.errors import Invalid, InvalidTransition, NotAllowed
from clinic.models import Case
from clinic.services import full_clean
from reminders.services import events as reminders
from triage.models import Examination, ImagingReferral, Modality, ReferralStatus
from triage.services.common import copy_fields
from triage.vocabulary import laterality_of

# Which referral carries out which recommended study: (modality, words one of which the body
# site must contain). Ultrasound after a positive Thompson test is of the Achilles tendon, but
# any site is accepted: the doctor names it.
STUDY_MATCHES: dict[str, tuple[str, tuple[str, ...]]] = {
    "ankle_xray": (Modality.XRAY, ("ankle",)),
    "foot_xray": (Modality.XRAY, ("foot", "midfoot", "metatars", "navicul")),
    "ultrasound": (Modality.ULTRASOUND, ()),
}

# What the one-click "Order …" buttons on an exam's result ask for.
STUDY_ORDERS: dict[str, dict[str, str]] = {
    "ankle_xray": {"modality": Modality.XRAY, "body_site": "ankle", "label": "ankle X-ray"},
    "foot_xray": {"modality": Modality.XRAY, "body_site": "foot", "label": "foot X-ray"},
    "ultrasound": {
        "modality": Modality.ULTRASOUND,
        "body_site": "Achilles tendon",
        "label": "Achilles ultrasound",
    },
}


def follows_recommendation(*, modality: str, body_site: str, studies: list[str]) -> bool:
    """Whether a referral for this modality and site is one of the recommended studies."""
    site = body_site.lower()
    for study in studies:
        wanted_modality, words = STUDY_MATCHES.get(study, (None, ()))
        if modality == wanted_modality and (not words or any(w in site for w in words)):
            return True
    return False


@transaction.atomic
def referral_create(
    *,
    case: Case,
    requested_by,
    modality: str,
    body_site: str,
    laterality: str = "",
    reason: str = "",
    examination: Examination | None = None,
    override_reason: str = "",
) -> ImagingReferral:
    """Order imaging; against the exam's recommendation, the doctor must say why."""
    errors: dict[str, list[str]] = {}
    recommendation = None
    override_reason = (override_reason or "").strip()
    laterality = laterality or laterality_of(case.side)
    if not laterality:
        errors["laterality"] = ["Say which side to image."]
    if examination is not None:
        if examination.case_id != case.pk:
            errors["examination"] = ["This examination belongs to another case."]
        else:
            recommendation = dict(examination.imaging_recommendation)
            agrees = follows_recommendation(
                modality=modality,
                body_site=body_site,
                studies=list(recommendation.get("studies", [])),
            )
            if not agrees and not override_reason:
                errors["override_reason"] = [
                    "The exam did not recommend this study: say why you order it."
                ]
            if agrees:
                override_reason = ""
    if errors:
        raise Invalid(errors)
    referral = ImagingReferral(
        case=case,
        requested_by=requested_by,
        modality=modality,
        body_site=body_site.strip(),
        laterality=laterality,
        reason=(reason or "").strip(),
        examination=examination,
        recommendation=recommendation,
        override_reason=override_reason,
    )
    if not referral.reason and recommendation and not override_reason:
        referral.reason = " ".join(recommendation.get("rationale", []))
    full_clean(referral, exclude=["case", "requested_by", "examination"])
    referral.save()
    return referral


def referral_create_from_exam(*, examination: Examination, study: str, requested_by):
    """The one-click order of a study the exam recommended."""
    order = STUDY_ORDERS.get(study)
    if order is None:
        raise Invalid({"study": ["Unknown study."]})
    return referral_create(
        case=examination.case,
        requested_by=requested_by,
        modality=order["modality"],
        body_site=order["body_site"],
        examination=examination,
    )


# Each step: the statuses it may start from and the status it reaches.
STEPS: dict[str, tuple[tuple[str, ...], str]] = {
    "schedule": ((ReferralStatus.REQUESTED,), ReferralStatus.SCHEDULED),
    "perform": ((ReferralStatus.SCHEDULED,), ReferralStatus.PERFORMED),
    "report": ((ReferralStatus.PERFORMED,), ReferralStatus.REPORTED),
    "review": ((ReferralStatus.REPORTED,), ReferralStatus.REVIEWED),
    "cancel": (
        (ReferralStatus.REQUESTED, ReferralStatus.SCHEDULED, ReferralStatus.PERFORMED),
        ReferralStatus.CANCELLED,
    ),
}


def may_take_step(*, step: str, by) -> bool:
    """Whether this user may take the step: only a doctor reviews a report (admins fix the
    logistics, doctors and admins alike take every other step)."""
    return step != "review" or roles.role_of(by) == roles.DOCTOR


def next_steps(*, referral: ImagingReferral, by) -> tuple[str, ...]:
    """The steps the referral's status allows and this user may take, in STEPS' order."""
    return tuple(
        step
        for step, (allowed_from, _) in STEPS.items()
        if referral.status in allowed_from and may_take_step(step=step, by=by)
    )


def referral_check_step(*, referral: ImagingReferral, step: str) -> None:
    """Raise InvalidTransition when the referral's status does not allow this step."""
    allowed_from, _ = STEPS[step]
    if referral.status not in allowed_from:
        raise InvalidTransition(_refusal(referral, step), current=referral.status)


def _refusal(referral: ImagingReferral, step: str) -> str:
    current = referral.get_status_display().split(" —")[0].lower()
    return f"A referral that is {current} cannot be {_PAST[step]}."


def _step(referral: ImagingReferral, step: str, build: Callable[[], dict[str, Any]]):
    """Lock the row, check the step is allowed from its current status, then write it.

    The status is checked first, so a step out of order is a conflict whatever its payload;
    ``build`` then validates the payload and answers the fields to write.
    """
    allowed_from, to = STEPS[step]
    locked = ImagingReferral.objects.select_for_update().get(pk=referral.pk)
    if locked.status not in allowed_from:
        raise InvalidTransition(_refusal(locked, step), current=locked.status)
    fields = build()
    locked.status = to
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", *fields])
    copy_fields(locked, referral)
    return referral


_PAST = {
    "schedule": "scheduled",
    "perform": "marked performed",
    "report": "reported",
    "review": "reviewed",
    "cancel": "cancelled",
}


@transaction.atomic
def referral_schedule(
    *, referral: ImagingReferral, by, scheduled_for: datetime | None
) -> ImagingReferral:
    """Book the study (requested → scheduled)."""

    def build():
        if scheduled_for is None:
            raise Invalid({"scheduled_for": ["Give the date and time of the appointment."]})
        return {"scheduled_for": scheduled_for, "scheduled_at": timezone.now(), "scheduled_by": by}

    return _step(referral, "schedule", build)


@transaction.atomic
def referral_perform(
    *, referral: ImagingReferral, by, performed_at: datetime | None = None
) -> ImagingReferral:
    """Record that the study was done (scheduled → performed); starts the 7-day report clock."""

    def build():
        now = timezone.now()
        if performed_at is not None and performed_at > now:
            raise Invalid({"performed_at": ["A study cannot be performed in the future."]})
        return {"performed_at": performed_at or now, "performed_by": by}

    referral = _step(referral, "perform", build)
    # Outbox: tell the requesting doctor if no report has come 7 days after the study.
    reminders.reminders_for_referral_performed(
        case=referral.case,
        referral_id=referral.pk,
        performed_at=referral.performed_at,
        requesting_doctor=referral.requested_by,
    )
    return referral


@transaction.atomic
def referral_report(*, referral: ImagingReferral, by, report: str) -> ImagingReferral:
    """Enter the radiologist's report (performed → reported)."""

    def build():
        text = (report or "").strip()
        if not text:
            raise Invalid({"report": ["Enter the radiologist's report."]})
        return {"report": text, "reported_at": timezone.now(), "reported_by": by}

    referral = _step(referral, "report", build)
    reminders.reminders_for_referral_reported(referral_id=referral.pk)
    return referral


@transaction.atomic
def referral_review(*, referral: ImagingReferral, by, review_note: str = "") -> ImagingReferral:
    """A doctor has read the report (reported → reviewed); anyone else is NotAllowed."""
    if not may_take_step(step="review", by=by):
        raise NotAllowed("Only a doctor reviews a report.")
    return _step(
        referral,
        "review",
        lambda: {
            "reviewed_at": timezone.now(),
            "reviewed_by": by,
            "review_note": (review_note or "").strip(),
        },
    )


@transaction.atomic
def referral_cancel(*, referral: ImagingReferral, by, reason: str) -> ImagingReferral:
    """Cancel a referral that has no report yet (requested, scheduled or performed)."""

    def build():
        text = (reason or "").strip()
        if not text:
            raise Invalid({"reason": ["Say why the referral is cancelled."]})
        return {"cancelled_at": timezone.now(), "cancelled_by": by, "cancel_reason": text}

    referral = _step(referral, "cancel", build)
    reminders.reminders_for_referral_cancelled(referral_id=referral.pk)
    return referral
