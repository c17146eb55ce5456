"""Reads of the rehab app, all scoped through clinic.selectors.cases_visible_to."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from clinic.models import ENDED_STATUSES, Case
from clinic.page_pagination import Key
from clinic.selectors import cases_visible_to, clinical_cases_visible_to
from rehab import caseload_order
from rehab.adherence import ADHERENCE_WINDOW_DAYS, adherence_percent, adherence_window
from rehab.models import (
    Alert,
    Discharge,
    Exercise,
    ExerciseLog,
    ExerciseProgramme,
    OutcomeMeasure,
    PhysioSession,
    ProgrammeItem,
    ReturnToRun,
    Run,
    RunPlan,
    SessionStatus,
    TreatmentPlan,
    WalkRunTemplate,
)
from rehab.run_rules import next_run_words


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


def active_caseload(user) -> QuerySet[Case]:
    """A physio's active cases (assigned to them, neither discharged nor closed), unordered."""
    return cases_visible_to(user).filter(assigned_physio=user).exclude(status__in=ENDED_STATUSES)


def caseload(user) -> QuerySet[Case]:
    """A physio's active cases with their next booked session, the last pain recorded and the
    last questionnaire; cases with an open alert first (the order of ``CASELOAD_ORDER``).

    The order is read from the columns kept on the case (rehab.caseload_order), in the order
    of the ``case_caseload`` index, so a page reads its own rows whatever the caseload's size.
    What a row shows is computed for the page's rows only: ``next_session_shown`` is the exact
    next session, even while the stored one waits for the beat's catch-up.
    """
    now = timezone.now()
    last_outcome = OutcomeMeasure.objects.filter(case=OuterRef("pk")).order_by(
        "-recorded_at", "-id"
    )
    last_attended = (
        PhysioSession.objects.filter(case=OuterRef("pk"), status=SessionStatus.ATTENDED)
        .exclude(pain_after__isnull=True, pain_before__isnull=True)
        .order_by("-scheduled_at", "-id")
    )
    return (
        active_caseload(user)
        .select_related("patient")
        # What a row shows: a page of full patient rows is much of what it would build else.
        .only(
            "side",
            "status",
            "assigned_physio_id",
            "has_open_alert",
            "next_session_at",
            "patient__mrn",
            "patient__given_name",
            "patient__family_name",
        )
        .annotate(
            next_session_shown=caseload_order.next_session(PhysioSession.objects.all(), now=now),
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
        )
        .order_by(*(key.order() for key in CASELOAD_ORDER))
    )


# The caseload's order, as the keyset its pages follow (clinic.page_pagination), on the columns
# kept on the case (rehab.caseload_order) and in the order of their index (case_caseload):
# alerts first, then the soonest next session (none booked last), then the case id, the
# oldest case first. The patient's name is no key: a tie-break on it needs the patient join
# for every case of the physio's caseload without a booking before the first row is known
# (docs/benchmarks.md, "caseload"). The first two keys move with time, so a case may cross the
# cursor between two pages: the alert list (caseload_alerted) is read whole on every page.
CASELOAD_ORDER = (
    Key("has_open_alert", descending=True),
    Key("next_session_at", nulls_last=True),
    Key("id"),
)


def caseload_alerted(user, *, first_rows: list[Case] | None = None) -> list[Case]:
    """Every case of the physio's caseload with an open alert, in the caseload's order, each
    with its open alerts newest first (``open_alerts``): the safety list, whole whatever page
    of the caseload is shown (bounded by the open alerts, not by the page).

    ``first_rows``: the caseload's first page, when it holds every alerted case (the order puts
    them first: the page is the whole caseload, or its last row has no alert); the alerts are
    then read for its alerted rows only, and not at all when it has none. Otherwise one query,
    from the open alerts (a partial index holds them).
    """
    if first_rows is not None:
        alerted = [case for case in first_rows if case.has_open_alert]
        if not alerted:
            return []
        found: dict[int, list[Alert]] = {}
        for alert in Alert.objects.filter(case__in=alerted, acknowledged_at__isnull=True):
            found.setdefault(alert.case_id, []).append(alert)
        for case in alerted:
            case.open_alerts = found.get(case.pk, [])
            for alert in case.open_alerts:
                alert.case = case
        return [case for case in alerted if case.open_alerts]
    alerts = (
        Alert.objects.filter(case__in=active_caseload(user), acknowledged_at__isnull=True)
        .select_related("case__patient")
        .order_by(
            F("case__next_session_at").asc(nulls_last=True),
            "case_id",
            "-created_at",
            "-id",
        )
    )
    cases: dict[int, Case] = {}
    for alert in alerts:
        case = cases.get(alert.case_id)
        if case is None:
            case = cases[alert.case_id] = alert.case
            case.open_alerts = []
        case.open_alerts.append(alert)
    return list(cases.values())


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


def plan_rhythm(case: Case) -> dict | None:
    """What the booking desk needs of the case's plan, nothing clinical: how many sessions
    are planned, how many a week, and how many are still to book (None: no plan yet)."""
    rhythm = (
        TreatmentPlan.objects.filter(case=case)
        .values("planned_sessions", "frequency", "started_on")
        .first()
    )
    if rhythm is None:
        return None
    taken = case.physio_sessions.filter(
        status__in=(SessionStatus.SCHEDULED, SessionStatus.ATTENDED)
    ).count()
    rhythm["to_book"] = max(rhythm["planned_sessions"] - taken, 0)
    rhythm["interval_days"] = max(7 // rhythm["frequency"], 1)
    return rhythm


def case_return_to_run(case: Case) -> ReturnToRun | None:
    """The case's return-to-run record with its criteria and measures, if any."""
    return (
        ReturnToRun.objects.filter(case=case)
        .select_related("decided_by")
        .prefetch_related("criteria", "measures")
        .first()
    )


def case_discharge(case: Case) -> Discharge | None:
    """The case's discharge summary, if any."""
    return Discharge.objects.filter(case=case).select_related("discharged_by").first()


# --- Exercise programmes and the return-to-run log ------------------------------------------


def exercises() -> QuerySet[Exercise]:
    """The exercise library as physios prescribe from it: active exercises."""
    return Exercise.objects.filter(active=True).order_by("category", "name")


def _adherence_logs(today: date) -> Prefetch:
    first = today - timedelta(days=ADHERENCE_WINDOW_DAYS - 1)
    logs = ExerciseLog.objects.filter(date__gte=first, date__lte=today).annotate(
        ticked=Count("completed", filter=Q(completed__active=True))
    )
    return Prefetch("logs", queryset=logs, to_attr="recent_logs")


def with_adherence(programmes: QuerySet[ExerciseProgramme]) -> QuerySet[ExerciseProgramme]:
    """Programmes with what ``programme_adherence`` reads, in a fixed number of queries."""
    return programmes.prefetch_related(
        Prefetch(
            "items",
            queryset=ProgrammeItem.objects.filter(active=True).select_related("exercise"),
            to_attr="active_items",
        ),
        _adherence_logs(timezone.localdate()),
    )


def programme_adherence(programme: ExerciseProgramme, today: date | None = None) -> int | None:
    """The programme's adherence in percent (rehab.adherence), from ``with_adherence``'s rows."""
    today = today or timezone.localdate()
    first, days = adherence_window(today=today, starts_on=programme.starts_on)
    items = getattr(programme, "active_items", None)
    if items is None:
        items = list(programme.items.filter(active=True))
    logs = getattr(programme, "recent_logs", None)
    if logs is None:
        logs = list(_logs_between(programme, first, today))
    logged = sum(log.ticked for log in logs if first <= log.date <= today)
    return adherence_percent(
        per_week=[item.per_week for item in items], logged_item_days=logged, days=days
    )


def _logs_between(programme: ExerciseProgramme, first: date, last: date):
    return programme.logs.filter(date__gte=first, date__lte=last).annotate(
        ticked=Count("completed", filter=Q(completed__active=True))
    )


def programmes_visible_to(user) -> QuerySet[ExerciseProgramme]:
    """Exercise programmes the user may read: clinical roles only, on visible cases."""
    cases = clinical_cases_visible_to(user)
    return with_adherence(ExerciseProgramme.objects.filter(case__in=cases).select_related("case"))


def exercise_logs_visible_to(user) -> QuerySet[ExerciseLog]:
    """Exercise logs the user may read: clinical roles only, on visible cases."""
    cases = clinical_cases_visible_to(user)
    return (
        ExerciseLog.objects.filter(programme__case__in=cases)
        .select_related("programme__case")
        .prefetch_related("completed")
    )


def runs_visible_to(user) -> QuerySet[Run]:
    """Runs of the return-to-run log the user may read: clinical roles only, on visible cases."""
    cases = clinical_cases_visible_to(user)
    return Run.objects.filter(case__in=cases).select_related("case")


def run_plans_visible_to(user) -> QuerySet[RunPlan]:
    """Return-to-run plans the user may read: clinical roles only, on visible cases."""
    cases = clinical_cases_visible_to(user)
    return RunPlan.objects.filter(case__in=cases).select_related("case", "template")


def walk_run_templates() -> QuerySet[WalkRunTemplate]:
    """The clinic's walk-run progressions that a plan may follow, with their stages."""
    return WalkRunTemplate.objects.filter(active=True).prefetch_related("stages")


def case_programme(case: Case) -> ExerciseProgramme | None:
    """The programme the case follows now, with its items and adherence rows."""
    return with_adherence(ExerciseProgramme.objects.filter(case=case, active=True)).first()


def case_run_plan(case: Case) -> RunPlan | None:
    """The case's return-to-run plan with its progression's stages, if any."""
    return (
        RunPlan.objects.filter(case=case)
        .select_related("template")
        .prefetch_related("template__stages")
        .first()
    )


def case_runs(case: Case) -> QuerySet[Run]:
    """The case's runs in date order (the log's chart and table)."""
    return case.runs.select_related("overridden_by").order_by("date", "id")


def stage_words(plan: RunPlan, number: int) -> str:
    """A stage of the plan's progression in plain words ("run 3 min, walk 2 min, 6 times")."""
    stage = next((s for s in plan.template.stages.all() if s.number == number), None)
    return stage.words() if stage else ""


def run_advice(run: Run, plan: RunPlan) -> str:
    """What the runner is told after a run: the decision and the next stage, in plain words."""
    return next_run_words(
        decision=run.effective_decision,
        stage=run.next_stage,
        stage_words=stage_words(plan, run.next_stage),
    )


def runner_today(case: Case, today: date | None = None) -> dict:
    """The runner's page for today: the programme's items, what is ticked, the run plan's stage.

    A portal view renders this as it is (phone-first); it reads the case the link belongs to.
    """
    today = today or timezone.localdate()
    programme = case_programme(case)
    ticked: set[int] = set()
    log = None
    if programme is not None:
        log = programme.logs.filter(date=today).prefetch_related("completed").first()
        ticked = {item.pk for item in log.completed.all()} if log else set()
    plan = case_run_plan(case)
    last_run = case_runs(case).last() if plan else None
    return {
        "programme": programme,
        "items": programme.active_items if programme else [],
        "ticked": ticked,
        "log": log,
        "adherence": programme_adherence(programme, today) if programme else None,
        "run_plan": plan,
        "stage_words": stage_words(plan, plan.stage) if plan else "",
        "last_run": last_run,
        "advice": run_advice(last_run, plan) if last_run else "",
    }


def caseload_extras(cases: list[Case]) -> dict[int, dict]:
    """Each caseload row's adherence and latest run decision, as values in three queries (two
    when no row has a programme).

    The adherence is ``programme_adherence``'s, summed in the database instead of counted over
    programme, item and log instances: per active programme, its active items' days a week,
    then its ticks of active items on the logs of the window (from the later of the window's
    first day and the programme's start, to today). The latest run is the last in the runs'
    own order (date, id).
    """
    ids = [case.pk for case in cases]
    today = timezone.localdate()
    programmes = list(
        ExerciseProgramme.objects.filter(case_id__in=ids, active=True)
        .order_by()
        .values_list("id", "case_id", "starts_on")
        .annotate(per_week=Sum("items__per_week", filter=Q(items__active=True)))
    )
    adherence: dict[int, int | None] = {}
    if programmes:
        ticks = dict(
            ExerciseLog.completed.through.objects.filter(
                exerciselog__programme_id__in=[row[0] for row in programmes],
                exerciselog__date__gte=today - timedelta(days=ADHERENCE_WINDOW_DAYS - 1),
                exerciselog__date__lte=today,
                programmeitem__active=True,
            )
            .filter(exerciselog__date__gte=F("exerciselog__programme__starts_on"))
            .order_by()
            .values("exerciselog__programme_id")
            .annotate(ticked=Count("pk"))
            .values_list("exerciselog__programme_id", "ticked")
        )
        for programme_id, case_id, starts_on, per_week in programmes:
            _first, days = adherence_window(today=today, starts_on=starts_on)
            adherence[case_id] = adherence_percent(
                per_week=[per_week or 0], logged_item_days=ticks.get(programme_id, 0), days=days
            )
    # Each case's last run by the index on (case, date), in one query on every database
    # (DISTINCT ON is PostgreSQL's alone, and `make run` runs on SQLite).
    last_run = Run.objects.filter(case=OuterRef("case_id")).order_by("-date", "-id")
    latest = (
        Run.objects.filter(case_id__in=ids, pk=Subquery(last_run.values("pk")[:1]))
        .order_by()
        .values_list("case_id", "override_decision", "decision")
    )
    decisions = {case_id: override or decision for case_id, override, decision in latest}
    return {
        pk: {"adherence": adherence.get(pk), "run_decision": decisions.get(pk, "")} for pk in ids
    }


def patient_sessions(user, patient) -> QuerySet[PhysioSession]:
    """A patient's sessions within the user's reach, for the patient record."""
    return (
        sessions_visible_to(user)
        .filter(case__patient=patient)
        .select_related("case", "physio")
        .order_by("scheduled_at", "id")
    )
