"""The clinic's reports: counts of cases, sessions and referrals, aggregated in SQL.

Five reports read the pre-aggregated tables (``SessionDay``, ``OutcomeFact``,
``EpisodeFact``: reports/aggregates.py rebuilds them from the records) and ``imaging`` reads
its referrals directly (fast enough: 0.18 s p95 at scale). Each groups in the database
(``values().annotate()``) and answers a few rows per practitioner, condition, instrument or
modality: never a patient, never a row per case. Python only names the groups and divides the
counts it was given (docs/reports.md says what each number means).

Scope: the aggregates carry ``restricted`` (the patient's processing is restricted), which
``_scoped`` applies as ``clinic.selectors.cases_visible_to`` does for the readers of reports:
an admin counts everyone, a doctor leaves the restricted patients out, anyone else nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Avg,
    BooleanField,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)

from clinic import roles
from clinic.models import Case, CaseStatus, Side
from clinic.selectors import clinical_cases_visible_to, physios
from rehab.instruments.catalogue import INSTRUMENTS
from reports import memo
from reports.availability import available_minutes
from reports.models import AggregateState, EpisodeDay, OutcomeFact, SessionDay
from reports.query import ReportQuery
from triage.models import Diagnosis, DiagnosisStatus
from triage.selectors import conditions, referrals_visible_to

# A new case on the same side within this time of a discharge is a recurrence (the design's
# "within 12 months"; 365 days, so that a leap year does not change the answer).
RECURRENCE_WINDOW = timedelta(days=365)
NOT_DIAGNOSED = "Not diagnosed"
# Each report's title, on its page and on the index.
TITLES = {
    "attendance": "Attendance",
    "utilisation": "Utilisation",
    "episodes": "Episodes of care",
    "outcomes": "Outcomes",
    "imaging": "Imaging",
    "recurrence": "Recurrence",
}
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    unit: str = ""


@dataclass
class Report:
    """One report's answer: its columns, its rows (a dict per group) and the chart's columns."""

    name: str
    title: str
    description: str
    query: ReportQuery
    columns: list[Column]
    rows: list[dict[str, Any]]
    # The chart: one bar per row, labelled by ``label_key``, of the value in ``value_key``.
    label_key: str
    value_key: str
    notes: list[str] = field(default_factory=list)
    # Read from the aggregates (reports/aggregates.py), last refreshed at ``as_of`` (None:
    # never yet); otherwise read from the records themselves, as they are now.
    aggregated: bool = False
    as_of: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "report": self.name,
            "title": self.title,
            "description": self.description,
            "from": self.query.start.isoformat(),
            "to": self.query.end.isoformat(),
            "practitioner": self.query.practitioner,
            "condition": self.query.condition,
            "columns": [{"key": c.key, "label": c.label, "unit": c.unit} for c in self.columns],
            "rows": self.rows,
            "as_of": self.as_of.isoformat() if self.as_of else None,
        }

    @property
    def value_column(self) -> Column:
        return next(c for c in self.columns if c.key == self.value_key)


# --- Shared pieces -------------------------------------------------------------------------


def _analytical() -> None:
    """Turn PostgreSQL's JIT off for the rest of this transaction (the request's).

    A report aggregates tens of thousands of rows once: JIT compiled the year of episodes
    for 2.1 s of its 5.1 s on the benchmark's data, and the same query runs in less without
    it. SET LOCAL lasts until the transaction ends (no session state left behind a pooler).
    """
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def _scoped(rows: QuerySet, user) -> QuerySet:
    """Aggregate rows the user's reports may count: ``cases_visible_to`` for their rows."""
    role = roles.role_of(user)
    if role == roles.ADMIN:
        return rows
    if role == roles.DOCTOR:
        return rows.filter(restricted=False)
    return rows.none()


def refreshed_at() -> datetime | None:
    """When the aggregates last folded in the pending changes (None: never)."""
    return AggregateState.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()


def refresh_interval_minutes() -> int:
    """How often the beat task refreshes the aggregates, in whole minutes (at least 1)."""
    entry = settings.CELERY_BEAT_SCHEDULE.get("refresh-report-aggregates", {})
    return max(1, round(float(entry.get("schedule", 120.0)) / 60))


def case_condition(case_ref: str = "pk") -> Subquery:
    """The catalogue code of a case's diagnosis: the latest confirmed one, else provisional.

    ``case_ref`` is the outer query's path to the case id. Refuted diagnoses never count;
    "confirmed" sorts before "provisional", so the order picks a confirmed one first.
    """
    diagnoses = (
        Diagnosis.objects.filter(case=OuterRef(case_ref))
        .exclude(status=DiagnosisStatus.REFUTED)
        .order_by("status", "-diagnosed_at", "-id")
    )
    return Subquery(diagnoses.values("condition__code")[:1])


def _cases(
    cases: QuerySet[Case], query: ReportQuery, *, practitioner: str | None
) -> QuerySet[Case]:
    """The cases of a query's condition and, through ``practitioner``, its practitioner."""
    if practitioner and query.practitioner is not None:
        cases = cases.filter(**{practitioner: query.practitioner})
    if query.condition:
        cases = cases.annotate(condition=case_condition()).filter(condition=query.condition)
    return cases


def _staff_name(row: dict[str, Any], prefix: str) -> str:
    name = f"{row[f'{prefix}__first_name']} {row[f'{prefix}__last_name']}".strip()
    return name or row[f"{prefix}__username"] or "—"


def _staff_names(ids: set[int]) -> dict[int, str]:
    """The display names of these staff ids (one query; none when there are no ids)."""
    if not ids:
        return {}
    people = get_user_model().objects.filter(pk__in=ids)
    return {
        row["id"]: _staff_name(
            {f"s__{k}": row[k] for k in ("first_name", "last_name", "username")}, "s"
        )
        for row in people.values("id", "first_name", "last_name", "username")
    }


def _staff_fields(prefix: str) -> tuple[str, ...]:
    return (f"{prefix}_id", f"{prefix}__first_name", f"{prefix}__last_name", f"{prefix}__username")


def _ratio(part: int | float | None, whole: int | float | None, *, percent: bool = True):
    """part ÷ whole (as a percentage, one decimal), or None when there is nothing to divide."""
    if not whole or part is None:
        return None
    return round(100 * part / whole, 1) if percent else round(part / whole, 2)


def _days(value: timedelta | float | None) -> float | None:
    """A mean duration as days, one decimal (None for no data)."""
    if value is None:
        return None
    if not isinstance(value, timedelta):  # some backends answer microseconds
        value = timedelta(microseconds=float(value))
    return round(value / DAY, 1)


def _condition_titles() -> dict[str, str]:
    return dict(conditions().values_list("code", "title"))


def _by_condition(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Name each row's condition (code and title), undiagnosed last."""
    titles = _condition_titles()
    named = []
    for row in rows:
        code = row.pop("condition")
        named.append({"condition": code, "condition_title": titles.get(code, NOT_DIAGNOSED), **row})
    return sorted(named, key=lambda r: (r["condition"] is None, r["condition_title"]))


# --- attendance ----------------------------------------------------------------------------


def _days_of(model, query: ReportQuery, user, day: str = "day") -> QuerySet:
    """The aggregate rows of the query's period the user may count."""
    return _scoped(
        model.objects.filter(**{f"{day}__gte": query.start, f"{day}__lte": query.end}), user
    )


def _of_query(rows: QuerySet, query: ReportQuery, physio: str) -> QuerySet:
    """``rows`` of the query's practitioner (in the column ``physio``) and condition."""
    if query.practitioner is not None:
        rows = rows.filter(**{physio: query.practitioner})
    if query.condition:
        rows = rows.filter(condition=query.condition)
    return rows


def _attendance_days(user, query: ReportQuery) -> QuerySet[SessionDay]:
    """The session days of the period, of the query's practitioner and condition."""
    return _of_query(_days_of(SessionDay, query, user), query, "physio_id")


def attendance(user, query: ReportQuery) -> Report:
    """Sessions booked in the period, by status, per practitioner; no-show rate."""
    grouped = (
        _attendance_days(user, query)
        .values(*_staff_fields("physio"))
        .annotate(
            booked=Sum("booked"),
            scheduled=Sum("scheduled"),
            attended=Sum("attended"),
            no_show=Sum("no_show"),
            cancelled=Sum("cancelled"),
        )
        .order_by("physio__last_name", "physio__first_name", "physio__username")
    )
    rows = [
        {
            "practitioner_id": row["physio_id"],
            "practitioner": _staff_name(row, "physio"),
            **{k: row[k] for k in ("booked", "scheduled", "attended", "no_show", "cancelled")},
            # Of the sessions that took place or should have: attended or missed.
            "no_show_rate": _ratio(row["no_show"], row["attended"] + row["no_show"]),
        }
        for row in grouped
    ]
    return Report(
        name="attendance",
        title=TITLES["attendance"],
        description=(
            "Physiotherapy sessions booked in the period, by status, per practitioner. "
            "No-show rate: no-shows ÷ (attended + no-shows)."
        ),
        query=query,
        columns=[
            Column("practitioner", "Practitioner"),
            Column("booked", "Booked", "sessions"),
            Column("scheduled", "Still scheduled", "sessions"),
            Column("attended", "Attended", "sessions"),
            Column("no_show", "No-show", "sessions"),
            Column("cancelled", "Cancelled", "sessions"),
            Column("no_show_rate", "No-show rate", "%"),
        ],
        rows=rows,
        label_key="practitioner",
        value_key="no_show_rate",
        aggregated=True,
        as_of=refreshed_at(),
    )


# --- utilisation ---------------------------------------------------------------------------


def _sessions_per_physio(user, query: ReportQuery, *, attendance: bool) -> list[dict[str, Any]]:
    """The session days of the period summed per physio: utilisation's sums, and attendance's.

    Utilisation's booked sessions and minutes are over the sessions not cancelled and, when
    both a practitioner and a condition are asked, of that practitioner's cases (``held``:
    how many such rows). With ``attendance`` (the index wants both totals), one read of the
    session days gives attendance's counts too, over every row of the query's practitioner
    and condition; without, only the held rows are read.
    """
    held = Q(kept__gt=0)
    if query.condition and query.practitioner is not None:
        # The sessions of the condition's cases, of the practitioner's cases when one is asked.
        held &= Q(assigned_physio_id=query.practitioner)
    days = _attendance_days(user, query)
    if attendance:
        sums = {
            "booked": Sum("booked"),
            "attended": Sum("attended"),
            "no_show": Sum("no_show"),
            "sessions": Sum("kept", filter=held),
            "minutes": Sum("kept_minutes", filter=held),
            "held": Count("id", filter=held),
        }
    else:
        days = days.filter(held)
        sums = {"sessions": Sum("kept"), "minutes": Sum("kept_minutes"), "held": Count("id")}
    return list(days.values(*_staff_fields("physio")).annotate(**sums).order_by())


def _utilisation_rows(query: ReportQuery, per_physio: list[dict[str, Any]]) -> list[dict]:
    """Utilisation's rows from the sums of ``_sessions_per_physio``."""
    booked = {row["physio_id"]: row for row in per_physio if row["held"]}
    staff = physios()
    if query.practitioner is not None:
        staff = staff.filter(pk=query.practitioner)
    # Every active physio, booked or not, and anyone else who held a booking in the period.
    people = {
        row["id"]: _staff_name(
            {f"physio__{k}": row[k] for k in ("first_name", "last_name", "username")}, "physio"
        )
        for row in staff.values("id", "first_name", "last_name", "username")
    }
    people.update({pk: _staff_name(row, "physio") for pk, row in booked.items()})
    available = available_minutes(practitioner_ids=people, start=query.start, end=query.end)
    rows = []
    for pk, name in sorted(people.items(), key=lambda item: item[1]):
        minutes = booked[pk]["minutes"] if pk in booked else 0
        rows.append(
            {
                "practitioner_id": pk,
                "practitioner": name,
                "sessions": booked[pk]["sessions"] if pk in booked else 0,
                "booked_minutes": minutes,
                "available_minutes": available[pk],
                "utilisation": _ratio(minutes, available[pk]),
            }
        )
    return rows


def utilisation(user, query: ReportQuery) -> Report:
    """Booked minutes ÷ available minutes per practitioner (cancelled sessions free their time)."""
    rows = _utilisation_rows(query, _sessions_per_physio(user, query, attendance=False))
    return Report(
        name="utilisation",
        title=TITLES["utilisation"],
        description=(
            "Booked minutes (sessions not cancelled) ÷ available minutes per practitioner. "
            "Available: each one's weekly windows in the diary (else the clinic's opening "
            "hours) over the period, less their time off."
        ),
        query=query,
        columns=[
            Column("practitioner", "Practitioner"),
            Column("sessions", "Sessions booked", "sessions"),
            Column("booked_minutes", "Booked", "minutes"),
            Column("available_minutes", "Available", "minutes"),
            Column("utilisation", "Utilisation", "%"),
        ],
        rows=rows,
        label_key="practitioner",
        value_key="utilisation",
        aggregated=True,
        as_of=refreshed_at(),
    )


# --- episodes ------------------------------------------------------------------------------


def _episode_days(user, query: ReportQuery) -> QuerySet[EpisodeDay]:
    """The summed facts of the cases opened in the period, of the query's physio and condition."""
    return _of_query(_days_of(EpisodeDay, query, user), query, "assigned_physio_id")


def _episode_sums(*keys: str) -> dict[str, Sum]:
    """These columns of a group of episode days, summed (a mean is a sum over its count)."""
    return {key: Sum(key) for key in keys}


def _mean(total, count: int | None):
    """A sum over its count (None when there is nothing to divide), as ``Avg`` answered."""
    return total / count if count and total is not None else None


def _visits_mean(sums: dict[str, Any]) -> float | None:
    """Attended visits per episode, one decimal."""
    mean = _mean(sums["visits"], sums["episodes"])
    return round(mean, 1) if mean is not None else None


def episodes(user, query: ReportQuery) -> Report:
    """Per condition, of the cases opened in the period: visits, days to first visit and to
    return-to-run clearance (means)."""
    sums = _episode_sums(
        "episodes",
        "visits",
        "first_visits",
        "to_first_visit",
        "cleared",
        "clearances",
        "to_clearance",
    )
    grouped = _episode_days(user, query).values("condition").annotate(**sums).order_by()
    rows = _by_condition(
        {
            "condition": row["condition"],
            "episodes": row["episodes"],
            "visits_mean": _visits_mean(row),
            "days_to_first_visit": _days(_mean(row["to_first_visit"], row["first_visits"])),
            "cleared": row["cleared"],
            "days_to_clearance": _days(_mean(row["to_clearance"], row["clearances"])),
        }
        for row in grouped
    )
    return Report(
        name="episodes",
        title=TITLES["episodes"],
        description=(
            "Cases opened in the period, per condition: attended visits per episode (mean), "
            "days from the intake to the first attended visit, and to the return-to-run "
            "decision 'cleared' (means over the cases that reached it)."
        ),
        query=query,
        columns=[
            Column("condition_title", "Condition"),
            Column("episodes", "Episodes", "cases"),
            Column("visits_mean", "Visits per episode", "visits"),
            Column("days_to_first_visit", "Intake to first visit", "days"),
            Column("cleared", "Cleared to run", "cases"),
            Column("days_to_clearance", "Intake to clearance", "days"),
        ],
        rows=rows,
        label_key="condition_title",
        value_key="visits_mean",
        aggregated=True,
        as_of=refreshed_at(),
    )


# --- outcomes ------------------------------------------------------------------------------


def _outcome_facts(user, query: ReportQuery) -> QuerySet[OutcomeFact]:
    """The measure facts of the period, of the query's physio and condition."""
    return _of_query(_days_of(OutcomeFact, query, user), query, "assigned_physio_id")


def _outcome_counts(query: ReportQuery) -> dict[str, Count]:
    """The cases followed and those reaching the MCID, over a group of measure facts."""
    start = query.start
    return {
        # A case counts once: by its first measure in the period, the one whose previous
        # is before the period (or none); likewise its first one there reaching the MCID.
        "cases": Count("id", filter=Q(previous_day__isnull=True) | Q(previous_day__lt=start)),
        "reached": Count(
            "id",
            filter=Q(reached=True)
            & (Q(previous_reached_day__isnull=True) | Q(previous_reached_day__lt=start)),
        ),
    }


def _outcome_totals(user, query: ReportQuery, at: int | None) -> dict[str, int]:
    """The period's cases followed and reaching the MCID, of the query's physio and condition:
    kept until the aggregates change (reports.memo), as the count grows with the clinic."""
    return memo.kept(
        ("outcomes.totals", query, roles.role_of(user)),
        at,
        lambda: _outcome_facts(user, query).aggregate(**_outcome_counts(query)),
    )


def _outcome_groups(user, query: ReportQuery, at: int | None) -> tuple[dict, ...]:
    """The same counts per instrument, condition and physio id, kept likewise."""
    return memo.kept(
        ("outcomes.groups", query, roles.role_of(user)),
        at,
        lambda: tuple(
            # By ids only: with the names in the key the planner expects a group per row and
            # sorts a year of them (docs/benchmarks.md); the names come in one query after.
            _outcome_facts(user, query)
            .values("instrument", "condition", "assigned_physio_id")
            .annotate(**_outcome_counts(query))
            .order_by()
        ),
    )


def outcomes(user, query: ReportQuery) -> Report:
    """Share of cases reaching the MCID, per instrument, condition and physio.

    A case counts for an instrument once it has a follow-up measure in the period (one whose
    ``mcid_reached`` is judged: not the first); it reached the MCID when any of them did.
    """
    as_of, at = memo.state()
    grouped = _outcome_groups(user, query, at)
    names = _staff_names({row["assigned_physio_id"] for row in grouped} - {None})
    rows = _by_condition(
        {
            "instrument": row["instrument"],
            "instrument_name": INSTRUMENTS[row["instrument"]].name,
            "condition": row["condition"],
            "practitioner_id": row["assigned_physio_id"],
            "practitioner": names.get(row["assigned_physio_id"], "—"),
            "cases": row["cases"],
            "reached": row["reached"],
            "share": _ratio(row["reached"], row["cases"]),
        }
        for row in grouped
    )
    rows.sort(
        key=lambda r: (
            r["instrument_name"],
            r["condition"] is None,
            r["condition_title"],
            r["practitioner"],
            r["practitioner_id"] or 0,
        )
    )
    for row in rows:
        row["group"] = (
            f"{row['instrument_name']} · {row['condition_title']} · {row['practitioner']}"
        )
    return Report(
        name="outcomes",
        title=TITLES["outcomes"],
        description=(
            "Cases with a follow-up measure in the period, per instrument, condition and "
            "physio, and the share that reached the instrument's minimal clinically important "
            "difference (CAIT has none and is not counted)."
        ),
        query=query,
        columns=[
            Column("instrument_name", "Instrument"),
            Column("condition_title", "Condition"),
            Column("practitioner", "Physio"),
            Column("cases", "Cases followed", "cases"),
            Column("reached", "Reached the MCID", "cases"),
            Column("share", "Share reaching the MCID", "%"),
        ],
        rows=rows,
        label_key="group",
        value_key="share",
        aggregated=True,
        as_of=as_of,
    )


# --- imaging -------------------------------------------------------------------------------


def imaging(user, query: ReportQuery) -> Report:
    """Referrals requested in the period per modality: against the recommendation, turnaround."""
    _analytical()
    return Report(
        name="imaging",
        title=TITLES["imaging"],
        description=(
            "Imaging referrals requested in the period, per modality: how many were ordered "
            "from an exam, how many against its recommendation (with the doctor's reason), "
            "and the mean days from performed to reported and from reported to reviewed."
        ),
        query=query,
        columns=[
            Column("modality", "Modality"),
            Column("ordered", "Ordered", "referrals"),
            Column("from_exam", "Ordered from an exam", "referrals"),
            Column("against", "Against the recommendation", "referrals"),
            Column("against_share", "Against the recommendation", "% of those from an exam"),
            Column("cancelled", "Cancelled", "referrals"),
            Column("days_performed_to_reported", "Performed to reported", "days"),
            Column("days_reported_to_reviewed", "Reported to reviewed", "days"),
        ],
        rows=_imaging_rows(user, query),
        label_key="modality",
        value_key="ordered",
    )


def _imaging_rows(user, query: ReportQuery) -> list[dict[str, Any]]:
    """The imaging report's rows (with JIT already off for the transaction: ``_analytical``)."""
    cases = _cases(clinical_cases_visible_to(user), query, practitioner=None)
    referrals = (
        referrals_visible_to(user)
        .select_related(None)
        .filter(requested_at__gte=query.since, requested_at__lt=query.until)
    )
    if query.practitioner is not None:
        referrals = referrals.filter(requested_by_id=query.practitioner)
    if query.condition:
        referrals = referrals.filter(case__in=cases.values("pk"))
    against = ~Q(override_reason="")
    grouped = (
        referrals.values("modality")
        .annotate(
            ordered=Count("id"),
            from_exam=Count("id", filter=Q(examination__isnull=False)),
            against=Count("id", filter=against),
            cancelled=Count("id", filter=Q(status="cancelled")),
            performed_to_reported=Avg(
                ExpressionWrapper(
                    F("reported_at") - F("performed_at"), output_field=DurationField()
                )
            ),
            reported_to_reviewed=Avg(
                ExpressionWrapper(F("reviewed_at") - F("reported_at"), output_field=DurationField())
            ),
        )
        .order_by("modality")
    )
    return [
        {
            "modality": row["modality"],
            "ordered": row["ordered"],
            "from_exam": row["from_exam"],
            "against": row["against"],
            "against_share": _ratio(row["against"], row["from_exam"]),
            "cancelled": row["cancelled"],
            "days_performed_to_reported": _days(row["performed_to_reported"]),
            "days_reported_to_reviewed": _days(row["reported_to_reviewed"]),
        }
        for row in grouped
    ]


# --- recurrence ----------------------------------------------------------------------------


def recurrence_of(case_ref: str = "pk") -> ExpressionWrapper:
    """Whether the outer case follows, on the same side, a discharge within 12 months.

    Same side: equal sides, or either of them ``both``; a case without a side matches none.
    """
    earlier = (
        Case.objects.filter(
            patient=OuterRef("patient"),
            status=CaseStatus.DISCHARGED,
            discharged_at__lte=OuterRef("opened_at"),
            discharged_at__gte=ExpressionWrapper(
                OuterRef("opened_at") - Value(RECURRENCE_WINDOW), output_field=DateTimeField()
            ),
        )
        .exclude(pk=OuterRef(case_ref))
        .exclude(side="")
    )
    same_side = Exists(earlier.filter(Q(side=OuterRef("side")) | Q(side=Side.BOTH)))
    return ExpressionWrapper(
        Q(same_side) | (Q(side=Side.BOTH) & Q(Exists(earlier))), output_field=BooleanField()
    )


def recurrence(user, query: ReportQuery) -> Report:
    """Per condition, of the cases opened in the period: how many are recurrences."""
    grouped = (
        # Days with cases that have a side: recurrence counts only those.
        _episode_days(user, query)
        .filter(sided__gt=0)
        .values("condition")
        .annotate(cases=Sum("sided"), recurrences=Sum("recurrences"))
        .order_by()
    )
    rows = _by_condition(
        {
            "condition": row["condition"],
            "cases": row["cases"],
            "recurrences": row["recurrences"],
            "rate": _ratio(row["recurrences"], row["cases"]),
        }
        for row in grouped
    )
    return Report(
        name="recurrence",
        title=TITLES["recurrence"],
        description=(
            "Cases opened in the period, per condition, and how many are recurrences: a new "
            "case on the same side within 12 months (365 days) of a discharge of the same "
            "patient."
        ),
        query=query,
        columns=[
            Column("condition_title", "Condition"),
            Column("cases", "New cases", "cases"),
            Column("recurrences", "Recurrences", "cases"),
            Column("rate", "Recurrence rate", "%"),
        ],
        rows=rows,
        label_key="condition_title",
        value_key="rate",
        aggregated=True,
        as_of=refreshed_at(),
    )


REPORTS: dict[str, Callable[[Any, ReportQuery], Report]] = {
    "attendance": attendance,
    "utilisation": utilisation,
    "episodes": episodes,
    "outcomes": outcomes,
    "imaging": imaging,
    "recurrence": recurrence,
}


# --- The index's headline figures ------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    label: str
    value: Any
    unit: str = ""


@dataclass(frozen=True)
class Headline:
    """A report's totals over the period (the sums of its table), for the reports' index."""

    name: str
    title: str
    query: ReportQuery
    figures: list[Figure]
    aggregated: bool = True
    as_of: datetime | None = None


def headlines(user, query: ReportQuery) -> list[Headline]:
    """Every report's totals for the period, in the order of REPORTS, from the aggregates.

    Each total is what the report's own table adds up to, with the report's filters, each
    aggregate read once: the session days once per physio for both attendance and
    utilisation (its rows, summed), the episode days once for both episodes and recurrence,
    the measure facts once (outcomes), imaging's rows summed; JIT off and the refresh time
    once for them all.
    """
    _analytical()
    as_of, at = memo.state()
    per_physio = _sessions_per_physio(user, query, attendance=True)
    sessions = {
        key: sum(row[key] for row in per_physio) for key in ("booked", "attended", "no_show")
    }
    attended, no_show = sessions["attended"], sessions["no_show"]
    used = _utilisation_rows(query, per_physio)
    booked_minutes = sum(row["booked_minutes"] for row in used)
    available = sum(row["available_minutes"] for row in used)
    facts = _episode_days(user, query).aggregate(
        **_episode_sums("episodes", "visits", "cleared", "sided", "recurrences")
    )
    facts = {key: value or 0 for key, value in facts.items()}
    followed = _outcome_totals(user, query, at)
    referrals = _imaging_rows(user, query)
    ordered = sum(row["ordered"] for row in referrals)
    from_exam = sum(row["from_exam"] for row in referrals)
    against = sum(row["against"] for row in referrals)
    found = {
        "attendance": [
            Figure("Sessions booked", sessions["booked"], "sessions"),
            Figure("Attended", attended, "sessions"),
            Figure("No-show rate", _ratio(no_show, attended + no_show), "%"),
        ],
        "utilisation": [
            Figure("Booked", booked_minutes, "minutes"),
            Figure("Available", available, "minutes"),
            Figure("Utilisation", _ratio(booked_minutes, available), "%"),
        ],
        "episodes": [
            Figure("Episodes", facts["episodes"], "cases"),
            Figure("Visits per episode", _visits_mean(facts), "visits"),
            Figure("Cleared to run", facts["cleared"], "cases"),
        ],
        "outcomes": [
            Figure("Cases followed", followed["cases"], "cases"),
            Figure("Reached the MCID", followed["reached"], "cases"),
            Figure("Share reaching the MCID", _ratio(followed["reached"], followed["cases"]), "%"),
        ],
        "imaging": [
            Figure("Ordered", ordered, "referrals"),
            Figure("Against the recommendation", against, "referrals"),
            Figure(
                "Share against the recommendation",
                _ratio(against, from_exam),
                "% of those from an exam",
            ),
        ],
        "recurrence": [
            Figure("New cases", facts["sided"], "cases"),
            Figure("Recurrences", facts["recurrences"], "cases"),
            Figure("Recurrence rate", _ratio(facts["recurrences"], facts["sided"]), "%"),
        ],
    }
    return [
        Headline(
            name=name,
            title=TITLES[name],
            query=query,
            figures=found[name],
            aggregated=name != "imaging",
            as_of=as_of if name != "imaging" else None,
        )
        for name in REPORTS
    ]
