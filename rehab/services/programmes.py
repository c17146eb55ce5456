"""Home exercise programmes and their daily logs: the assigned physio prescribes, the runner
(or the physio from a paper diary) logs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from clinic.errors import Conflict, Invalid
from clinic.measures import is_nprs
from clinic.models import Case
from rehab.models import (
    ITEM_HOLD_SECONDS_MAX,
    ITEM_PER_WEEK_MAX,
    ITEM_REPS_MAX,
    ITEM_SETS_MAX,
    Exercise,
    ExerciseLog,
    ExerciseProgramme,
    ProgrammeItem,
    Source,
)
from rehab.services.common import lock_case, require_active, require_assigned_physio

ITEM_FIELDS = ("exercise", "sets", "reps", "hold_seconds", "per_week", "notes")


def _between(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _check_items(items: list[Mapping[str, Any]]) -> None:
    """Each item: an active exercise, 1-10 sets, reps and/or a hold, 1-7 days a week."""
    if not items:
        raise Invalid({"items": ["Prescribe at least one exercise."]})
    errors: dict[str, list[str]] = {}
    for index, item in enumerate(items):
        problems = []
        exercise = item.get("exercise")
        if not isinstance(exercise, Exercise) or not exercise.active:
            problems.append("Choose an exercise of the library.")
        if not _between(item.get("sets"), 1, ITEM_SETS_MAX):
            problems.append(f"Sets: 1 to {ITEM_SETS_MAX}.")
        reps, hold = item.get("reps"), item.get("hold_seconds")
        if reps is None and hold is None:
            problems.append("Give the repetitions, the seconds to hold, or both.")
        if reps is not None and not _between(reps, 1, ITEM_REPS_MAX):
            problems.append(f"Repetitions: 1 to {ITEM_REPS_MAX}.")
        if hold is not None and not _between(hold, 1, ITEM_HOLD_SECONDS_MAX):
            problems.append(f"Hold: 1 to {ITEM_HOLD_SECONDS_MAX} seconds.")
        if not _between(item.get("per_week"), 1, ITEM_PER_WEEK_MAX):
            problems.append(f"Days a week: 1 to {ITEM_PER_WEEK_MAX}.")
        if problems:
            errors[f"items[{index}]"] = problems
    if errors:
        raise Invalid(errors)


def _check_starts_on(case: Case, starts_on: date) -> None:
    if starts_on > timezone.localdate():
        raise Invalid({"starts_on": ["A programme cannot start in the future."]})
    if starts_on < timezone.localdate(case.opened_at):
        raise Invalid({"starts_on": ["A programme cannot start before the case was opened."]})


def _write_items(programme: ExerciseProgramme, items: list[Mapping[str, Any]]) -> None:
    """Update the items named by id, add the others, and retire (not delete) the rest."""
    current = {item.pk: item for item in programme.items.filter(active=True)}
    kept: set[int] = set()
    for position, data in enumerate(items):
        values = {name: data.get(name) for name in ITEM_FIELDS}
        values["notes"] = values["notes"] or ""
        item = current.get(data.get("id"))
        if item is None:
            ProgrammeItem.objects.create(programme=programme, position=position, **values)
            continue
        kept.add(item.pk)
        changed = [n for n, v in values.items() if getattr(item, n) != v]
        if changed or item.position != position:
            for name in changed:
                setattr(item, name, values[name])
            item.position = position
            item.save()
    for pk, item in current.items():
        if pk not in kept:
            item.active = False
            item.save()  # kept, with its history: its logs still name it


@transaction.atomic
def programme_prescribe(
    *, case: Case, by, items: list[Mapping[str, Any]], starts_on: date | None = None
) -> ExerciseProgramme:
    """Prescribe the case's home exercise programme (one active at a time)."""
    starts_on = starts_on or timezone.localdate()
    _check_items(items)
    case = lock_case(case)
    require_assigned_physio(case, by)
    require_active(case)
    _check_starts_on(case, starts_on)
    if ExerciseProgramme.objects.filter(case=case, active=True).exists():
        raise Conflict(
            "This case already follows a programme: change it, or end it first.",
            code="programme_exists",
        )
    programme = ExerciseProgramme.objects.create(case=case, prescribed_by=by, starts_on=starts_on)
    _write_items(programme, items)
    return programme


@transaction.atomic
def programme_change(
    *,
    programme: ExerciseProgramme,
    by,
    items: list[Mapping[str, Any]] | None = None,
    starts_on: date | None = None,
    active: bool | None = None,
) -> ExerciseProgramme:
    """Change a programme's items, start or whether it is followed; the history keeps each step."""
    case = lock_case(programme.case)
    require_assigned_physio(case, by)
    require_active(case)
    programme = ExerciseProgramme.objects.select_for_update().get(pk=programme.pk)
    if items is not None:
        _check_items(items)
        _write_items(programme, items)
    if starts_on is not None:
        _check_starts_on(case, starts_on)
        programme.starts_on = starts_on
    if active is not None and active != programme.active:
        if active and ExerciseProgramme.objects.filter(case=case, active=True).exists():
            raise Conflict("This case already follows a programme.", code="programme_exists")
        programme.active = active
    programme.save()
    programme.case = case
    return programme


def _check_log(
    *, programme: ExerciseProgramme, date: date, completed: Iterable[int], pain: int | None
) -> list[ProgrammeItem]:
    """The day's ticked items, once the day, the pain and the ticks are checked."""
    errors: dict[str, list[str]] = {}
    if date > timezone.localdate():
        errors["date"] = ["A day still to come cannot be logged."]
    elif date < programme.starts_on:
        errors["date"] = ["The programme had not started on that day."]
    if pain is not None and not is_nprs(pain):
        errors["pain"] = ["Pain is a whole number from 0 to 10."]
    ids = sorted(set(completed))
    items = list(programme.items.filter(pk__in=ids, active=True))
    if len(items) != len(ids):
        errors["completed"] = ["Tick only exercises of this programme."]
    if not programme.active:
        errors["programme"] = ["This programme has ended."]
    if errors:
        raise Invalid(errors)
    return items


@transaction.atomic
def exercise_log_record(
    *,
    programme: ExerciseProgramme,
    by,
    date: date,
    completed: Iterable[int],
    pain: int | None = None,
    source: str = Source.CLINIC,
) -> ExerciseLog:
    """Record one day's ticks: the runner's own (``by`` None, source patient) or the physio's."""
    case = lock_case(programme.case)
    if source == Source.CLINIC:
        require_assigned_physio(case, by)
    require_active(case)
    items = _check_log(programme=programme, date=date, completed=completed, pain=pain)
    if ExerciseLog.objects.filter(programme=programme, date=date).exists():
        raise Conflict("That day is already logged.", code="log_exists")
    log = ExerciseLog.objects.create(
        programme=programme,
        date=date,
        pain=pain,
        source=source,
        logged_by=by if source == Source.CLINIC else None,
    )
    log.completed.set(items)
    return log


@transaction.atomic
def exercise_day_save(
    *,
    programme: ExerciseProgramme,
    by,
    date: date,
    completed: Iterable[int],
    pain: int | None = None,
    source: str = Source.CLINIC,
) -> tuple[ExerciseLog, bool]:
    """Record the day's ticks, or replace that day's: the runner who ticks again later the
    same day changes the day's one log (its history keeps the earlier ticks), never adds a
    second. Answers the log and whether it was created."""
    case = lock_case(programme.case)  # serialises two submissions of the same day
    if source == Source.CLINIC:
        require_assigned_physio(case, by)
    require_active(case)
    items = _check_log(programme=programme, date=date, completed=completed, pain=pain)
    log = ExerciseLog.objects.select_for_update().filter(programme=programme, date=date).first()
    created = log is None
    if created:
        log = ExerciseLog(programme=programme, date=date)
    log.pain = pain
    log.source = source
    log.logged_by = by if source == Source.CLINIC else None
    log.save()
    log.completed.set(items)
    return log, created
