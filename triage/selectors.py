"""Reads of the triage app for doctors' work (examinations, diagnoses, imaging referrals).

Clinical records follow their case's scope, ``clinic.selectors.clinical_cases_visible_to``
(``cases_visible_to`` for the roles that read clinical notes, nothing for reception): one door,
the core's, and no second copy of its rules here.
"""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.utils import timezone

from clinic.models import ENDED_STATUSES, Case
from clinic.selectors import cases_visible_to, clinical_cases_visible_to, doctors
from diary import selectors as diary_selectors
from diary.models import BookingType
from diary.services import default_minutes
from triage.models import (
    Condition,
    Consultation,
    Diagnosis,
    Examination,
    ImagingReferral,
    Intake,
    ReferralStatus,
)


def _scoped(model: type[Model], user) -> QuerySet:
    return model.objects.filter(case__in=clinical_cases_visible_to(user))


def intakes_visible_to(user) -> QuerySet[Intake]:
    """Intakes on the cases the user may see: reception's own records, so every role's."""
    return Intake.objects.filter(case__in=cases_visible_to(user)).select_related("case")


def intakes_today(user) -> QuerySet[Intake]:
    """Today's intakes (clinic time) the user may see, most urgent first, then oldest.

    Only the columns reception's list shows (and its urgency badge reads): an intake row holds
    the whole questionnaire and its triage (JSON lists, sentences), which the list never shows.
    """
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        intakes_visible_to(user)
        .filter(recorded_at__gte=start)
        .select_related("case__patient")
        .only(
            "recorded_at",
            "stop_running",
            "case__status",
            "case__urgency",
            "case__seen_by_doctor_at",
            "case__patient__mrn",
            "case__patient__given_name",
            "case__patient__family_name",
        )
        .order_by("case__urgency_rank", "recorded_at")
    )


def consultations_visible_to(user) -> QuerySet[Consultation]:
    """Doctors' consultations of the cases the user may see (reception: all, without notes)."""
    return Consultation.objects.filter(case__in=cases_visible_to(user)).select_related(
        "case", "doctor", "room"
    )


def first_free_consultation_today():
    """The earliest free consultation start today among the active doctors: ``(doctor, at)``,
    or None when every doctor's day is full (ties go to the doctors in name order)."""
    today = timezone.localdate()
    minutes = default_minutes(BookingType.CONSULTATION)
    best = None
    for doctor in doctors():
        slots = diary_selectors.free_slots(
            practitioner=doctor, first_day=today, last_day=today, duration_minutes=minutes
        )
        if slots and (best is None or slots[0] < best[1]):
            best = (doctor, slots[0])
    return best


def upcoming_consultations(user, case) -> QuerySet[Consultation]:
    """The case's scheduled consultations from now on, soonest first."""
    return (
        consultations_visible_to(user)
        .filter(case=case, status="scheduled", scheduled_at__gte=timezone.now())
        .order_by("scheduled_at")
    )


def examinations_visible_to(user) -> QuerySet[Examination]:
    """Exams on the cases the user may see; none for reception."""
    return _scoped(Examination, user).select_related("case__patient", "examined_by")


def diagnoses_visible_to(user) -> QuerySet[Diagnosis]:
    """Diagnoses on the cases the user may see; none for reception."""
    return _scoped(Diagnosis, user).select_related(
        "case__patient", "condition", "diagnosed_by", "confirmed_by", "refuted_by"
    )


def referrals_visible_to(user) -> QuerySet[ImagingReferral]:
    """Imaging referrals on the cases the user may see; none for reception."""
    return _scoped(ImagingReferral, user).select_related(
        "case__patient",
        "examination",
        "requested_by",
        "scheduled_by",
        "performed_by",
        "reported_by",
        "reviewed_by",
        "cancelled_by",
    )


def conditions() -> QuerySet[Condition]:
    """The condition catalogue, as doctors choose from it."""
    return Condition.objects.order_by("pathway", "title")


def reports_to_review(user) -> QuerySet[ImagingReferral]:
    """Referrals whose report is in and waits for a doctor's review, oldest report first."""
    return (
        referrals_visible_to(user)
        .filter(status=ReferralStatus.REPORTED)
        .order_by("reported_at", "id")
    )


# What a row of the doctors' list shows (and its urgency badge and physio's name read).
WORKLIST_COLUMNS = (
    "side",
    "status",
    "urgency",
    "urgency_rank",
    "opened_at",
    "seen_by_doctor_at",
    "patient__mrn",
    "patient__given_name",
    "patient__family_name",
    "patient__date_of_birth",
    "assigned_physio__username",
    "assigned_physio__first_name",
    "assigned_physio__last_name",
    "assigned_physio__is_active",
)


def doctor_worklist(
    user,
    *,
    status: list[str] | None = None,
    urgency: list[str] | None = None,
    include_ended: bool = False,
) -> QuerySet[Case]:
    """The cases the user may see, for the doctors' list: urgent first, newest first (the
    case_worklist index). Discharged and closed cases only when asked for (``include_ended``
    or a status filter that names them). Only the columns the list shows: a page of full
    patient and user rows is most of what it would read and build otherwise."""
    queryset = (
        cases_visible_to(user).select_related("patient", "assigned_physio").only(*WORKLIST_COLUMNS)
    )
    if status:
        queryset = queryset.filter(status__in=status)
    elif not include_ended:
        queryset = queryset.exclude(status__in=ENDED_STATUSES)
    if urgency:
        queryset = queryset.filter(urgency__in=urgency)
    return queryset.order_by("urgency_rank", "-opened_at", "-id")
