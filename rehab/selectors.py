"""Reads of the rehab app, all scoped through clinic.selectors.cases_visible_to."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from clinic.models import ENDED_STATUSES, Case
from clinic.selectors import cases_visible_to, clinical_cases_visible_to
from rehab.models import (
    Discharge,
    OutcomeMeasure,
    PhysioSession,
    ReturnToRun,
    SessionStatus,
    TreatmentPlan,
)


def sessions_visible_to(user) -> QuerySet[PhysioSession]:
    """Sessions of the cases the user may see (reception: all, without clinical fields)."""
    return PhysioSession.objects.filter(case__in=cases_visible_to(user)).select_related("case")


def plans_visible_to(user) -> QuerySet[TreatmentPlan]:
    """Treatment plans the user may read: clinical roles only, on visible cases."""
    cases = clinical_cases_visible_to(user)
    return TreatmentPlan.objects.filter(case__in=cases).select_related("case")


def outcomes_visible_to(user) -> QuerySet[OutcomeMeasure]:
    """Outcome measures the user may read: clinical roles only, on visible cases."""
    cases = clinical_cases_visible_to(user)
    return OutcomeMeasure.objects.filter(case__in=cases).select_related("case")


def caseload(user) -> QuerySet[Case]:
    """A physio's active cases with their next booked session and the last pain recorded."""
    now = timezone.now()
    next_session = PhysioSession.objects.filter(
        case=OuterRef("pk"), status=SessionStatus.SCHEDULED, scheduled_at__gte=now
    ).order_by("scheduled_at")
    last_attended = (
        PhysioSession.objects.filter(case=OuterRef("pk"), status=SessionStatus.ATTENDED)
        .exclude(pain_after__isnull=True, pain_before__isnull=True)
        .order_by("-scheduled_at", "-id")
    )
    return (
        cases_visible_to(user)
        .filter(assigned_physio=user)
        .exclude(status__in=ENDED_STATUSES)
        .select_related("patient")
        .annotate(
            next_session_at=Subquery(next_session.values("scheduled_at")[:1]),
            last_pain=Subquery(
                last_attended.annotate(pain=Coalesce(F("pain_after"), F("pain_before"))).values(
                    "pain"
                )[:1]
            ),
            last_pain_at=Subquery(last_attended.values("scheduled_at")[:1]),
        )
        .order_by(F("next_session_at").asc(nulls_last=True), "patient__family_name", "id")
    )


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The start and end of a clinic day, as aware datetimes in the clinic's zone."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), zone)
    return start, start + timedelta(days=1)


def sessions_on(user, day: date) -> QuerySet[PhysioSession]:
    """The sessions booked on one day, in time order, with the patient and physio."""
    start, end = day_bounds(day)
    return (
        sessions_visible_to(user)
        .filter(scheduled_at__gte=start, scheduled_at__lt=end)
        .select_related("case__patient", "physio")
        .order_by("scheduled_at", "id")
    )


def bookable_cases(user) -> QuerySet[Case]:
    """Cases a session can be booked on: visible and neither discharged nor closed."""
    return (
        cases_visible_to(user)
        .exclude(status__in=ENDED_STATUSES)
        .select_related("patient")
        .order_by("patient__family_name", "patient__given_name", "id")
    )


def case_sessions(case: Case) -> QuerySet[PhysioSession]:
    """A case's sessions in time order."""
    return case.physio_sessions.select_related("physio").order_by("scheduled_at", "id")


def case_outcomes(case: Case) -> QuerySet[OutcomeMeasure]:
    """A case's outcome measures in the order they were recorded."""
    return case.outcome_measures.order_by("recorded_at", "id")


def case_plan(case: Case) -> TreatmentPlan | None:
    """The case's treatment plan, if any."""
    return TreatmentPlan.objects.filter(case=case).select_related("physio").first()


def case_return_to_run(case: Case) -> ReturnToRun | None:
    """The case's return-to-run record with its criteria, if any."""
    return (
        ReturnToRun.objects.filter(case=case)
        .select_related("decided_by")
        .prefetch_related("criteria")
        .first()
    )


def case_discharge(case: Case) -> Discharge | None:
    """The case's discharge summary, if any."""
    return Discharge.objects.filter(case=case).select_related("discharged_by").first()


def patient_sessions(user, patient) -> QuerySet[PhysioSession]:
    """A patient's sessions within the user's reach, for the patient record."""
    return (
        sessions_visible_to(user)
        .filter(case__patient=patient)
        .select_related("case", "physio")
        .order_by("scheduled_at", "id")
    )
