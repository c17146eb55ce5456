"""The reports' pre-aggregated data: marked stale by the changes, rebuilt by SQL.

A year of the benchmark's clinic is 200,000 sessions, 40,000 cases and 100,000 outcome
measures: counting them at each request took 1.3-3.8 s at p95 (docs/benchmarks.md). The
reports read narrow tables instead (reports/models.py):

- ``SessionDay``: per day and group (physio, assigned physio, condition, restricted), the
  sessions booked, by status, and the minutes of those not cancelled;
- ``OutcomeFact``: one row per judged follow-up measure, with its case's groups;
- ``EpisodeFact``: one row per case: visits, intake to first visit, clearance, recurrence;
- ``EpisodeDay``: the case facts summed per opened day and group (what ``episodes``,
  ``recurrence`` and the index read), rebuilt from ``EpisodeFact`` for the days it changed.

How they stay true to the records:

1. **Marks.** A save or delete of a case, a session, an outcome measure, a diagnosis, an
   intake or a return-to-run decision, and a change of a patient's restriction, writes one
   ``StaleMark`` in the same transaction (the receivers below: model signals; they decide
   nothing, they note what changed). A moved session also marks the day it left.
2. **Refresh.** ``refresh_pending`` (the Celery beat task ``reports.refresh_aggregates``,
   every ``REPORTS_REFRESH_SECONDS``) reads the marks, rebuilds what they name — the days of
   the marked cases' sessions (and the marked days, and today) by day range, the marked
   cases' outcome rows, the facts of every case of their patients — each with one
   ``DELETE`` and one ``INSERT … SELECT … GROUP BY`` built from the ORM, and deletes the
   marks it read. Nothing is counted in Python: the database groups, Python only names the
   day ranges.
3. **Everything.** ``rebuild_all`` (``manage.py refresh_reports --all``, run by the
   benchmark's seeder and once after deploying this) rebuilds every table in one statement
   each.

A report is therefore as old as the last refresh (``AggregateState.refreshed_at``, shown on
each report): at most about one beat interval behind the records.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models import Case as CaseWhen
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from clinic.models import Case, Patient
from rehab.models import Decision, OutcomeMeasure, PhysioSession, ReturnToRun, SessionStatus
from reports.models import (
    AggregateState,
    EpisodeDay,
    EpisodeFact,
    OutcomeFact,
    SessionDay,
    StaleMark,
)
from reports.selectors import case_condition, recurrence_of
from triage.models import Diagnosis, Intake

# Marked days closer than this are rebuilt as one range (the days between cost little more
# than a second statement would).
MERGE_GAP = timedelta(days=7)
# Marks read per transaction of a refresh (keeps every IN list short, on SQLite too).
BATCH = 500


# --- Marks ---------------------------------------------------------------------------------


def mark_stale(*, case_id: int | None = None, day: date | None = None) -> None:
    """Note that a case's facts (and its sessions' days), or a day's sessions, changed."""
    StaleMark.objects.create(case_id=case_id, day=day)


def _day_of(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def _mark_case_of(sender, instance, **kwargs) -> None:
    mark_stale(case_id=instance.case_id)


def _mark_case(sender, instance, **kwargs) -> None:
    mark_stale(case_id=instance.pk)


def _mark_intake(sender, instance, created=False, **kwargs) -> None:
    """A changed intake marks its case; a new one is marked by its case's save.

    ``triage.services.intake.intake_create``, the one writer of intakes, saves the case (new,
    or the open one it triages) just before the intake, in the same transaction, and that
    save marks the case: a second mark for the same case was a second INSERT per intake
    (docs/benchmarks.md, "apipath"). tests/reports/test_aggregates.py holds both.
    """
    if not created:
        mark_stale(case_id=instance.case_id)


def _mark_session(sender, instance, **kwargs) -> None:
    mark_stale(case_id=instance.case_id, day=_day_of(instance.scheduled_at))


def _mark_session_leaving(sender, instance, update_fields=None, **kwargs) -> None:
    """Before a session is updated: the day (and case) it may leave, read from its row."""
    if instance.pk is None or instance._state.adding:
        return
    if update_fields is not None and not {"scheduled_at", "case", "case_id"} & set(update_fields):
        return
    old = PhysioSession.objects.filter(pk=instance.pk).annotate(
        m_case=F("case_id"), m_day=TruncDate("scheduled_at"), m_at=Value(timezone.now())
    )
    insert_select(StaleMark, old, {"m_case": "case_id", "m_day": "day", "m_at": "marked_at"})


def _mark_patient(sender, instance, created=False, update_fields=None, **kwargs) -> None:
    """A patient's restriction changes which of their cases a doctor's reports count."""
    if created or (update_fields is not None and "restricted" not in update_fields):
        return
    cases = Case.objects.filter(patient_id=instance.pk).annotate(
        m_case=F("pk"), m_at=Value(timezone.now())
    )
    insert_select(StaleMark, cases, {"m_case": "case_id", "m_at": "marked_at"})


def connect_receivers() -> None:
    """Mark the aggregates stale on every change they are built from (AppConfig.ready)."""
    uid = "reports-stale"
    for model in (OutcomeMeasure, Diagnosis, ReturnToRun):
        post_save.connect(_mark_case_of, sender=model, dispatch_uid=f"{uid}-{model.__name__}")
    for model in (OutcomeMeasure, Diagnosis, Intake, ReturnToRun):
        post_delete.connect(_mark_case_of, sender=model, dispatch_uid=f"{uid}-{model.__name__}")
    post_save.connect(_mark_intake, sender=Intake, dispatch_uid=f"{uid}-Intake")
    post_save.connect(_mark_case, sender=Case, dispatch_uid=f"{uid}-case")
    post_delete.connect(_mark_case, sender=Case, dispatch_uid=f"{uid}-case")
    pre_save.connect(_mark_session_leaving, sender=PhysioSession, dispatch_uid=f"{uid}-session-old")
    post_save.connect(_mark_session, sender=PhysioSession, dispatch_uid=f"{uid}-session")
    post_delete.connect(_mark_session, sender=PhysioSession, dispatch_uid=f"{uid}-session")
    post_save.connect(_mark_patient, sender=Patient, dispatch_uid=f"{uid}-patient")


# --- SQL -----------------------------------------------------------------------------------


def insert_select(model: type[Model], queryset: QuerySet, columns: dict[str, str]) -> int:
    """``INSERT INTO <model> (fields) SELECT <aliases> FROM (<queryset>)``: one statement.

    ``columns`` maps each alias the queryset selects (an annotation) to the model's field it
    fills. The queryset's own SQL is compiled by Django for the backend at hand (PostgreSQL
    or SQLite), so the dates, durations and subqueries mean the same as in a report.
    """
    quote = connection.ops.quote_name
    sql, params = queryset.values(*columns).order_by().query.sql_with_params()
    targets = ", ".join(quote(model._meta.get_field(name).column) for name in columns.values())
    sources = ", ".join(quote(alias) for alias in columns)
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        # Every name is a model's own (quoted); the values travel as parameters.
        cursor.execute(
            f"INSERT INTO {table} ({targets}) SELECT {sources} FROM ({sql}) src",  # noqa: S608  # nosec B608
            params,
        )
        return cursor.rowcount


def _since(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _session_rows(sessions: QuerySet[PhysioSession]) -> QuerySet:
    kept = ~Q(status=SessionStatus.CANCELLED)
    return (
        sessions.annotate(
            a_day=TruncDate("scheduled_at"),
            a_physio=F("physio_id"),
            a_assigned=F("case__assigned_physio_id"),
            a_condition=case_condition("case_id"),
            a_restricted=F("case__patient__restricted"),
        )
        .values("a_day", "a_physio", "a_assigned", "a_condition", "a_restricted")
        .annotate(
            a_booked=Count("id"),
            a_scheduled=Count("id", filter=Q(status=SessionStatus.SCHEDULED)),
            a_attended=Count("id", filter=Q(status=SessionStatus.ATTENDED)),
            a_no_show=Count("id", filter=Q(status=SessionStatus.NO_SHOW)),
            a_cancelled=Count("id", filter=Q(status=SessionStatus.CANCELLED)),
            a_kept=Count("id", filter=kept),
            a_kept_minutes=Coalesce(Sum("duration_minutes", filter=kept), Value(0)),
        )
    )


SESSION_COLUMNS = {
    "a_day": "day",
    "a_physio": "physio",
    "a_assigned": "assigned_physio",
    "a_condition": "condition",
    "a_restricted": "restricted",
    "a_booked": "booked",
    "a_scheduled": "scheduled",
    "a_attended": "attended",
    "a_no_show": "no_show",
    "a_cancelled": "cancelled",
    "a_kept": "kept",
    "a_kept_minutes": "kept_minutes",
}


def rebuild_session_days(start: date, end: date) -> int:
    """Replace the session counts of the days from ``start`` to ``end`` (both included)."""
    SessionDay.objects.filter(day__gte=start, day__lte=end).delete()
    sessions = PhysioSession.objects.filter(
        scheduled_at__gte=_since(start), scheduled_at__lt=_since(end + timedelta(days=1))
    )
    return insert_select(SessionDay, _session_rows(sessions), SESSION_COLUMNS)


def _previous_day(*, reached: bool) -> Subquery:
    """The day of the outer measure's previous judged one (of its case and instrument).

    "Previous" in (recorded_at, id) order, so two measures at the same moment still follow
    each other; ``reached``: the previous one that reached the MCID.
    """
    earlier = Q(recorded_at__lt=OuterRef("recorded_at")) | Q(
        recorded_at=OuterRef("recorded_at"), id__lt=OuterRef("id")
    )
    judged = {"mcid_reached": True} if reached else {"mcid_reached__isnull": False}
    previous = OutcomeMeasure.objects.filter(
        earlier, case_id=OuterRef("case_id"), instrument=OuterRef("instrument"), **judged
    )
    return Subquery(
        previous.order_by("-recorded_at", "-id")
        .annotate(d=TruncDate("recorded_at"))
        .values("d")[:1]
    )


def _outcome_rows(measures: QuerySet[OutcomeMeasure]) -> QuerySet:
    return measures.filter(mcid_reached__isnull=False).annotate(
        a_case=F("case_id"),
        a_day=TruncDate("recorded_at"),
        a_instrument=F("instrument"),
        a_condition=case_condition("case_id"),
        a_assigned=F("case__assigned_physio_id"),
        a_restricted=F("case__patient__restricted"),
        a_reached=F("mcid_reached"),
        a_previous=_previous_day(reached=False),
        a_previous_reached=_previous_day(reached=True),
    )


OUTCOME_COLUMNS = {
    "a_case": "case_id",
    "a_day": "day",
    "a_instrument": "instrument",
    "a_condition": "condition",
    "a_assigned": "assigned_physio",
    "a_restricted": "restricted",
    "a_reached": "reached",
    "a_previous": "previous_day",
    "a_previous_reached": "previous_reached_day",
}


def _episode_rows(cases: QuerySet[Case]) -> QuerySet:
    attended = PhysioSession.objects.filter(case=OuterRef("pk"), status=SessionStatus.ATTENDED)
    visits = attended.order_by().values("case").annotate(n=Count("id")).values("n")
    first_visit = attended.order_by("scheduled_at").values("scheduled_at")[:1]
    cleared = Q(return_to_run__decision=Decision.CLEARED)
    return cases.annotate(
        first_visit_at=Subquery(first_visit),
        a_case=F("pk"),
        a_opened=TruncDate("opened_at"),
        a_condition=case_condition(),
        a_assigned=F("assigned_physio_id"),
        a_restricted=F("patient__restricted"),
        a_has_side=ExpressionWrapper(~Q(side=""), output_field=BooleanField()),
        a_visits=Coalesce(Subquery(visits, output_field=IntegerField()), Value(0)),
        a_to_first_visit=ExpressionWrapper(
            F("first_visit_at") - F("intake__recorded_at"), output_field=DurationField()
        ),
        a_cleared=CaseWhen(When(cleared, then=Value(True)), default=Value(False)),
        a_to_clearance=CaseWhen(
            When(
                cleared,
                then=ExpressionWrapper(
                    F("return_to_run__decided_on") - TruncDate("intake__recorded_at"),
                    output_field=DurationField(),
                ),
            ),
            default=None,
            output_field=DurationField(),
        ),
        # A case without a side is never counted (the report reads ``has_side`` cases only).
        a_recurrent=recurrence_of(),
    )


EPISODE_COLUMNS = {
    "a_case": "case_id",
    "a_opened": "opened_on",
    "a_condition": "condition",
    "a_assigned": "assigned_physio",
    "a_restricted": "restricted",
    "a_has_side": "has_side",
    "a_visits": "visits",
    "a_to_first_visit": "to_first_visit",
    "a_cleared": "cleared",
    "a_to_clearance": "to_clearance",
    "a_recurrent": "recurrent",
}


def episode_day_rows(facts: QuerySet[EpisodeFact]) -> QuerySet:
    """The case facts summed per opened day and group: ``EpisodeDay``'s rows of ``facts``."""
    cleared = Q(cleared=True)
    return (
        facts.annotate(
            a_day=F("opened_on"),
            a_condition=F("condition"),
            a_assigned=F("assigned_physio_id"),
            a_restricted=F("restricted"),
        )
        .values("a_day", "a_condition", "a_assigned", "a_restricted")
        .annotate(
            a_episodes=Count("case_id"),
            a_visits=Sum("visits"),
            a_first_visits=Count("to_first_visit"),
            a_to_first_visit=Sum("to_first_visit"),
            a_cleared=Count("case_id", filter=cleared),
            # What ``Avg("to_clearance", filter=cleared)`` divided by: cleared, with an intake.
            a_clearances=Count("to_clearance", filter=cleared),
            a_to_clearance=Sum("to_clearance", filter=cleared),
            a_sided=Count("case_id", filter=Q(has_side=True)),
            a_recurrences=Count("case_id", filter=Q(has_side=True, recurrent=True)),
        )
    )


EPISODE_DAY_COLUMNS = {
    "a_day": "day",
    "a_condition": "condition",
    "a_assigned": "assigned_physio",
    "a_restricted": "restricted",
    "a_episodes": "episodes",
    "a_visits": "visits",
    "a_first_visits": "first_visits",
    "a_to_first_visit": "to_first_visit",
    "a_cleared": "cleared",
    "a_clearances": "clearances",
    "a_to_clearance": "to_clearance",
    "a_sided": "sided",
    "a_recurrences": "recurrences",
}


def rebuild_episode_days(start: date, end: date) -> int:
    """Replace the summed case facts of the opened days from ``start`` to ``end``."""
    EpisodeDay.objects.filter(day__gte=start, day__lte=end).delete()
    facts = EpisodeFact.objects.filter(opened_on__gte=start, opened_on__lte=end)
    return insert_select(EpisodeDay, episode_day_rows(facts), EPISODE_DAY_COLUMNS)


# --- Refresh -------------------------------------------------------------------------------


def day_ranges(days: Iterable[date], gap: timedelta = MERGE_GAP) -> list[tuple[date, date]]:
    """Sorted days as ranges (first, last), merging days at most ``gap`` apart."""
    ranges: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if ranges and day - ranges[-1][1] <= gap:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def _lock() -> AggregateState:
    """The state row, locked: two refreshes never rebuild the same rows at once."""
    AggregateState.objects.get_or_create(pk=1, defaults={"refreshed_at": None})
    return AggregateState.objects.select_for_update().get(pk=1)


def refresh_pending(*, today: date | None = None) -> dict[str, int]:
    """Fold the pending marks (and today's sessions) into the aggregates; what was rebuilt.

    The marks are read in batches of ``BATCH`` (each batch one transaction), until none is
    left; a mark written while a batch runs waits for the next one.
    """
    totals = {"marks": 0, "cases": 0, "day_ranges": 0}
    first = True
    while True:
        done = _refresh_batch(today=(today or timezone.localdate()) if first else None)
        first = False
        for key in totals:
            totals[key] += done[key]
        if done["marks"] < BATCH:
            return totals


@transaction.atomic
def _refresh_batch(*, today: date | None) -> dict[str, int]:
    """Rebuild what one batch of marks names (and ``today``'s sessions), then drop the marks.

    The marks are read once, by id: one committed while this runs is not deleted (its change
    may not be visible to the statements below), so no change is ever lost.
    """
    state = _lock()
    now = timezone.now()
    marks = list(StaleMark.objects.order_by("id").values_list("id", "case_id", "day")[:BATCH])
    ids = [pk for pk, _case, _day in marks]
    case_ids = sorted({case for _pk, case, _day in marks if case is not None})
    days = {day for _pk, _case, day in marks if day is not None}
    if today is not None:
        days.add(today)
    if case_ids:
        days |= set(
            PhysioSession.objects.filter(case_id__in=case_ids)
            .annotate(d=TruncDate("scheduled_at"))
            .values_list("d", flat=True)
            .distinct()
        )
    ranges = day_ranges(days)
    for start, end in ranges:
        rebuild_session_days(start, end)
    if case_ids:
        OutcomeFact.objects.filter(case_id__in=case_ids).delete()
        insert_select(
            OutcomeFact,
            _outcome_rows(OutcomeMeasure.objects.filter(case_id__in=case_ids)),
            OUTCOME_COLUMNS,
        )
        # A case's discharge decides whether its patient's later cases are recurrences.
        kin = Case.objects.filter(
            patient__in=Case.objects.filter(pk__in=case_ids).values("patient_id")
        )
        replaced = EpisodeFact.objects.filter(
            Q(case_id__in=case_ids) | Q(case_id__in=kin.values("pk"))
        )
        # The days the facts leave (a deleted case, a changed opening) and those they land on.
        opened = set(replaced.values_list("opened_on", flat=True).distinct())
        replaced.delete()
        insert_select(EpisodeFact, _episode_rows(kin), EPISODE_COLUMNS)
        opened |= set(
            EpisodeFact.objects.filter(case_id__in=kin.values("pk"))
            .values_list("opened_on", flat=True)
            .distinct()
        )
        for start, end in day_ranges(opened):
            rebuild_episode_days(start, end)
    StaleMark.objects.filter(id__in=ids).delete()
    state.refreshed_at = now
    state.generation += 1  # the state row is locked (``_lock``): no update is lost
    state.save(update_fields=["refreshed_at", "generation"])
    return {"marks": len(ids), "cases": len(case_ids), "day_ranges": len(ranges)}


@transaction.atomic
def rebuild_all() -> dict[str, int]:
    """Rebuild every aggregate from every record (one DELETE and one INSERT per table)."""
    state = _lock()
    now = timezone.now()
    ids = list(StaleMark.objects.values_list("id", flat=True))
    SessionDay.objects.all().delete()
    OutcomeFact.objects.all().delete()
    EpisodeFact.objects.all().delete()
    EpisodeDay.objects.all().delete()
    counts = {
        "session_days": insert_select(
            SessionDay, _session_rows(PhysioSession.objects.all()), SESSION_COLUMNS
        ),
        "outcome_facts": insert_select(
            OutcomeFact, _outcome_rows(OutcomeMeasure.objects.all()), OUTCOME_COLUMNS
        ),
        "episode_facts": insert_select(
            EpisodeFact, _episode_rows(Case.objects.all()), EPISODE_COLUMNS
        ),
    }
    counts["episode_days"] = insert_select(
        EpisodeDay, episode_day_rows(EpisodeFact.objects.all()), EPISODE_DAY_COLUMNS
    )
    StaleMark.objects.filter(id__in=ids).delete()
    state.refreshed_at = now
    state.generation += 1  # the state row is locked (``_lock``): no update is lost
    state.save(update_fields=["refreshed_at", "generation"])
    return counts
