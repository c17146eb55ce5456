"""Reads of the triage app for doctors' work (examinations, diagnoses, imaging referrals).

Clinical records follow the case's scope (``clinic.selectors.cases_visible_to``) and, on top,
never reach a role that must not see clinical notes (reception): for them every queryset here
is empty.
"""

from __future__ import annotations

from django.db.models import Model, QuerySet

from clinic import roles
from clinic.models import Case
from clinic.selectors import cases_visible_to, sees_clinical_notes
from triage.models import Condition, Diagnosis, Examination, ImagingReferral, ReferralStatus


def _scoped(model: type[Model], user) -> QuerySet:
    queryset = model.objects.all()
    if not sees_clinical_notes(user):
        return queryset.none()
    if roles.role_of(user) != roles.ADMIN:
        # A restricted patient's records are out of reach (clinic.privacy).
        queryset = queryset.filter(case__patient__restricted=False)
    if roles.role_of(user) == roles.PHYSIO:
        return queryset.filter(case__assigned_physio=user)
    return queryset


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


def clinical_cases_visible_to(user) -> QuerySet[Case]:
    """The cases on which the user may read or write clinical records."""
    if not sees_clinical_notes(user):
        return Case.objects.none()
    return cases_visible_to(user)


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


def doctor_worklist(*, status: list[str] | None = None, urgency: list[str] | None = None):
    """Cases for the doctors' list: urgent first, newest first (the case_worklist index)."""
    queryset = Case.objects.filter(patient__restricted=False).select_related(
        "patient", "assigned_physio"
    )
    if status:
        queryset = queryset.filter(status__in=status)
    if urgency:
        queryset = queryset.filter(urgency__in=urgency)
    return queryset.order_by("urgency_rank", "-opened_at", "-id")
