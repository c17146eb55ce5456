"""Reads of the rehab app, all scoped through clinic.selectors.cases_visible_to."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from clinic.models import ENDED_STATUSES, Case
from clinic.selectors import cases_visible_to, clinical_cases_visible_to
from rehab.models import (
    Alert,
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


def alerts_visible_to(user) -> QuerySet[Alert]:
    """Alerts on the cases the user sees (reception: that one exists; its API shows no kind)."""
    return Alert.objects.filter(case__in=cases_visible_to(user)).select_related("case")


def open_alerts_of(cases: list[Case]) -> dict[int, list[Alert]]:
    """The open alerts of these cases, newest first, by case id (one query)."""
    found: dict[int, list[Alert]] = {}
    for alert in Alert.objects.filter(case__in=cases, acknowledged_at__isnull=True).select_related(
        "case"
    ):
        found.setdefault(alert.case_id, []).append(alert)
    return found


def caseload(user) -> QuerySet[Case]:
    """A physio's active cases with their next booked session, the last pain recorded and the
    last questionnaire; cases with an open alert first."""
    now = timezone.now()
    last_outcome = OutcomeMeasure.objects.filter(case=OuterRef("pk")).order_by(
        "-recorded_at", "-id"
    )
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
            last_outcome_instrument=Subquery(last_outcome.values("instrument")[:1]),
            last_outcome_score=Subquery(last_outcome.values("score")[:1]),
            last_outcome_max=Subquery(last_outcome.values("score_max")[:1]),
            last_outcome_source=Subquery(last_outcome.values("source")[:1]),
            has_open_alert=Exists(
                Alert.objects.filter(case=OuterRef("pk"), acknowledged_at__isnull=True)
            ),
        )
        .order_by(
            F("has_open_alert").desc(),
            F("next_session_at").asc(nulls_last=True),
            "patient__family_name",
            "id",
        )
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
